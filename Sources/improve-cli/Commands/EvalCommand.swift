import ArgumentParser
import Evals
import Foundation
import Improve
import ImproveCore
import ImproveHTTP
import ImproveSQLite

/// `improve-cli eval`: score a profile as it is, on one split of its suite and its personas.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a profile on its eval suite without changing it.",
        discussion: """
            Every model any role calls (task, judge, persona simulator) must be in the policy's allowedModels; the check runs before the first call. With --store, every model and judge call is journaled, so running the same eval again costs nothing. Exit codes: 0 evaluated, 1 error, 2 policy violation.
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

    @Option(help: "SQLite store that journals every call (created when missing).")
    var store: String?

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
        let bundle: ProfileBundle
        do {
            bundle = try ProfileBundle.load(directory: URL(fileURLWithPath: profileDirectory), suiteFile: suite.map { URL(fileURLWithPath: $0) })
            try InputWarnings.report(bundle.warnings, strict: strict)
        } catch let error as ConfigError {
            Terminal.error(error.description)
            throw ExitStatus.error
        } catch let error as InputWarnings.StrictRefusal {
            Terminal.error(error.description)
            throw ExitStatus.error
        }
        let progressLine = ProgressLine(enabled: !json)
        var session = EvalSession(
            bundle: bundle, split: EvalSession.SplitChoice(rawValue: split) ?? .all, limit: limit, trials: trials,
            progress: { done, total in progressLine.update("eval \(done)/\(total)", fraction: Double(done) / Double(max(total, 1))) })
        for (role, model) in session.roleModels where !bundle.policy.allowedModels.allows(model) {
            Terminal.error(String(describing: ModelError.notAllowed(model: model.qualifiedName, allowed: bundle.policy.allowedModels.patterns, role: role)))
            throw ExitStatus.policyViolation
        }
        // Providers before the store: a broken providers.yaml must leave no file behind.
        let registry: ProviderRegistry
        do {
            registry = try ProviderRegistry.load(searching: [bundle.providersFile, URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("providers.yaml")].compactMap { $0 })
            // Every role's provider, key and URL resolve before anything is written.
            for (_, model) in session.roleModels { _ = try registry.client(for: model) }
        } catch {
            Terminal.error(Redactor.fromEnvironment().redact(String(describing: error)))
            throw ExitStatus.error
        }
        var runStore: (any RunStore)?
        var runID: String?
        if let store {
            let opened = try await StoreLocator.open(store, leaseDuration: 60, distributed: false)
            let dedupe = "eval:\(bundle.profile.contentHash):\(try bundle.suite.contentHash()):\(split):\(limit ?? 0):\(trials ?? 0)"
            let spec = RunSpec(
                dedupeKey: dedupe, seed: bundle.suite.split.seed, profileName: bundle.profile.name, profileHash: bundle.profile.contentHash,
                surface: "eval", generator: "none", config: try RunConfiguration(split: split).json(), policy: try JSONValue(encoding: bundle.policy))
            let worker = "eval-\(ProcessInfo.processInfo.processIdentifier)"
            let (record, _) = try await opened.openRun(spec, workerID: worker)
            session.journal = try await opened.journal(runID: record.id, workerID: worker)
            runStore = opened
            runID = record.id
        }
        let report: EvalReport
        do {
            report = try await session.run(clients: { try registry.client(for: $0) })
        } catch let error as ModelError {
            progressLine.finish()
            if let runStore, let runID { try? await runStore.finishRun(id: runID, state: .failed, result: nil, failure: error.description) }
            Terminal.error(error.description)
            if case .notAllowed = error { throw ExitStatus.policyViolation }
            throw ExitStatus.error
        }
        progressLine.finish()
        let reportDirectory = reportDir.map { URL(fileURLWithPath: $0) } ?? runID.map { bundle.directory.appendingPathComponent("runs").appendingPathComponent($0) }
        let markdown = try reportDirectory.map { try EvalReportFiles.write(report, profileVersion: bundle.profile.version, runID: runID, to: $0) }
        if let runStore, let runID {
            var result: [String: JSONValue] = ["mean": .number(report.overall?.value ?? 0), "items": .number(Double(report.items.count))]
            if let markdown { result["report"] = .string(markdown.path) }
            try await runStore.finishRun(id: runID, state: .completed, result: .object(result), failure: nil)
        }
        if let markdown, !json { Terminal.note("report: \(ReportFiles.page(besideMarkdown: markdown.path).path)") }
        if let out {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(report), to: URL(fileURLWithPath: out))
        }
        if json {
            try Terminal.printJSON(report)
        } else {
            print(ReportTable.render(report))
        }
        try InfraErrorNote.report(report, strict: strict)
    }
}
