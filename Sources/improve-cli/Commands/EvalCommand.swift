import ArgumentParser
import Evals
import Foundation
import Improve
import ImproveAgents
import ImproveCore

/// `improve-cli eval`: score a profile as it is, on one split of its suite and its personas.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a profile on its eval suite without changing it.",
        discussion: """
            Every model any role calls (task, judge, persona simulator) must be in the policy's allowedModels; the check runs before the first call. With --store, every model and judge call is journaled, so running the same eval again costs nothing, and the policy's spendCeiling applies. Exit codes: 0 evaluated, 1 error, 2 policy violation, 5 stopped by the spend ceiling (resumable: run the same command again).
            """)

    @Argument(help: "The profile directory (profile.yaml, suite.yaml, policy.yaml).")
    var profileDirectory: String

    @Option(help: "A suite file to use instead of the directory's suite.yaml.")
    var suite: String?

    @Option(help: "Which items to score: search, holdout or all.")
    var split: String = "all"

    @Option(help: "Dialogues per persona (overrides the suite's simulation.trials); pass^k is reported for k up to this.")
    var trials: Int?

    @Option(help: "Score at most this many items (and personas).")
    var limit: Int?

    // Unlike `run`, no default: without a store an eval journals nothing and leaves no file.
    @Option(help: "SQLite store that journals every call (created when missing), or postgres://user@host:port/database.")
    var store: String?

    @OptionGroup(title: "Models") var models: ModelSourceOptions

    @Flag(help: "Print the report as JSON on standard output.")
    var json = false

    @Option(help: "Also write the JSON report to this file (the input of `improve-cli gate`).")
    var out: String?

    @Option(help: "Write report.md, report.html and report.json into this directory (default with --store: runs/<run-id>/ in the profile directory).")
    var reportDir: String?

    @Flag(help: "Treat warnings about the inputs as errors, and exit 1 when any item failed for infrastructure reasons.")
    var strict = false

    func validate() throws {
        guard EvalSession.SplitChoice(rawValue: split) != nil else { throw ValidationError("--split must be search, holdout or all") }
        if let trials, trials < 1 { throw ValidationError("--trials must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let progressLine = ProgressLine(enabled: !json)
        let outcome: EvalOutcome
        do {
            outcome = try await evaluateProfile(progressLine)
        } catch {
            progressLine.finish()
            throw ExitStatus.reporting(error)
        }
        progressLine.finish()
        if let markdown = outcome.markdown, !json { Terminal.note("report: \(ReportFiles.page(besideMarkdown: markdown.path).path)") }
        if let out {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(outcome.report), to: URL(fileURLWithPath: out))
        }
        if json {
            try Terminal.printJSON(outcome.report)
        } else {
            print(ReportTable.render(outcome.report))
        }
        try InfraErrorNote.report(outcome.report, strict: strict)
    }

    /// Loads, checks every role against the policy and resolves every provider before the store
    /// is opened (a breach or a broken providers.yaml leaves no file behind), then evaluates.
    private func evaluateProfile(_ progressLine: ProgressLine) async throws -> EvalOutcome {
        let bundle = try ProfileBundle.load(directory: URL(fileURLWithPath: profileDirectory), suiteFile: suite.map { URL(fileURLWithPath: $0) })
        try InputWarnings.report(bundle.warnings, strict: strict)
        let session = EvalSession(
            bundle: bundle, split: EvalSession.SplitChoice(rawValue: split) ?? .all, limit: limit, trials: trials,
            progress: { done, total in progressLine.update("eval \(done)/\(total)", fraction: Double(done) / Double(max(total, 1))) })
        try session.preflight()
        let access = try ModelAccessFactory.make(profileDirectory: bundle.directory, sources: models, models: session.roleModels.map(\.model))
        var runStore: (any RunStore)?
        if let store { runStore = try await StoreSchemes.cli.openForWriting(store, options: StoreOpenOptions(leaseDuration: 60)) }
        return try await evaluate(session, store: runStore, models: access, options: EvaluateOptions(reportDirectory: reportDir.map { URL(fileURLWithPath: $0) }, agents: .standard))
    }
}
