import ArgumentParser
import Foundation
import Improve
import ImproveCore
import ImproveSQLite

extension SurfaceKind: ExpressibleByArgument {}

/// Options shared by `run` and `resume`.
struct ExecutionOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite store file (created if missing), or a shared PostgreSQL store: postgres://user@host:port/database (password from PGPASSWORD).")
    var store: String = ".improve/improve.sqlite"

    @Flag(name: .long, help: "Hand the run's model calls to `improve-cli worker` processes through the PostgreSQL store (needs --store postgres://…).")
    var distributed = false

    /// Refuses `--distributed` without a PostgreSQL store before anything (a lock, a file) is made.
    func validate() throws {
        if distributed, !StoreSchemes.cli.dispatchesToWorkers(store) {
            throw ValidationError(StoreSchemes.cli.distributedRefusal.description)
        }
    }

    @Option(name: .long, help: "Directory for audit.json and report.md (default: <profile>/runs/<run-id>).")
    var out: String?

    @Flag(name: .long, help: "On ship, overwrite profile.yaml instead of writing profile.v<N>.yaml beside it.")
    var inPlace = false

    @OptionGroup(title: "Models") var models: ModelSourceOptions

    @Flag(name: .long, help: "Print the outcome as JSON on stdout; no progress output.")
    var json = false

    @Flag(name: .long, help: "Treat warnings about the inputs (ambiguous or probably unintended values) as errors.")
    var strict = false
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Search for a better profile, gate it on the holdout split, write the result.",
        discussion: """
            Loads <profile-dir>/{profile,suite,policy}.yaml, checks every model role against the policy (a breach writes nothing and exits 2), searches on the search split within the budget, evaluates the best candidates and the baseline on the holdout split, and lets the promotion gate decide. Always writes audit.json and report.md; on ship also writes profile.v<N>.yaml beside the original, which is never modified unless --in-place.

            A directory with artifact.yaml (file, experiment command, metric, direction) instead of suite.yaml runs autoresearch: the model edits the file, each edit runs the experiment in a scratch copy, and only changes beating the incumbent by more than the baseline noise are kept; on ship the result is written as <file>.v<N>.<ext> beside the original, with attempts.tsv, audit.json and report.md in the run directory.

            Running the same command twice joins the first run (same inputs, same run id) and pays for nothing twice. Ctrl-C stops at a step boundary; `improve-cli resume <run-id>` finishes.

            Examples:
              improve-cli run Profiles/sentiment
              improve-cli run Profiles/sentiment --budget 120 --json
              improve-cli run Profiles/support --surface strategy --generator reflective
              improve-cli run Profiles/compressor                 (artifact.yaml: autoresearch)
              improve-cli run Profiles/sentiment --generator "external:python3 scripts/example-generator.py"

            One process per profile and store: a second `run` or `resume` of the same profile exits 7 naming the holder, or waits with --wait. The lock is released by the kernel when its holder dies, so a run killed with `kill -9` is taken over (and resumed) by the next one.

            Unattended: on a pipe there is no progress display and one summary line; --json prints the outcome; --log-format json makes standard error one JSON object per line. --spend-ceiling bounds the spend of every run of the store over --spend-window; --metrics-file writes Prometheus text format. See "Running nightly" in the README.

            Exit codes: 0 shipped, 1 error, 2 policy violation, 3 held, 4 rejected, 5 interrupted or stopped by the spend ceiling (resumable), 7 the profile is locked by another process.
            """)

    @Argument(help: "Profile directory holding profile.yaml, suite.yaml and policy.yaml.")
    var profile: String

    @Option(name: .long, help: ArgumentHelp(
        "Which part of the profile may change: \(SurfaceKind.allCases.map(\.rawValue).joined(separator: ", ")).",
        discussion: "Default: artifact when the directory has artifact.yaml and no suite.yaml, otherwise prompt."))
    var surface: SurfaceKind?

    @Option(name: .long, help: "Generator (default from the surface): \(GeneratorCatalog.choices.joined(separator: ", ")).")
    var generator: String?

    @OptionGroup var search: SearchRunOptions

    @Option(name: .long, help: "Explicit dedupe key (default: a hash of every input of the run).")
    var dedupeKey: String?

    @OptionGroup var execution: ExecutionOptions

    @OptionGroup(title: "Unattended runs") var operation: OperationOptions

    func run() async throws {
        let directory = URL(fileURLWithPath: profile)
        let surface = self.surface ?? (ArtifactInputs.isArtifactProfile(directory) ? .artifact : .prompt)
        var options = ImproveOptions(surface: surface, generator: generator, budget: search.budgetOverride, seed: search.seed, dedupeKey: dedupeKey, inPlace: execution.inPlace)
        options.dedupeWindow = try search.dedupeWindow.bucketNow()
        let status = await RunExecution(profileDirectory: profile, options: options, execution: execution, operation: operation).perform()
        throw ExitCode(status)
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Finish an interrupted or failed run; completed model calls are replayed, not paid again.",
        discussion: """
            Reads the run's profile directory, surface, generator, budget and seed from the store, checks that the profile has not changed since the run started, and continues it.

            Exit codes: as for `run`.
            """)

    @Argument(help: "The run id printed by `run` or listed by `improve-cli runs`.")
    var runID: String

    @OptionGroup var execution: ExecutionOptions

    @OptionGroup(title: "Unattended runs") var operation: OperationOptions

    func run() async throws {
        let record: RunRecord
        do {
            let store = try await StoreSchemes.cli.openReadOnly(execution.store)
            guard let found = try await store.run(id: runID) else { throw StoreError.unknownRun(id: runID, store: store.location) }
            record = found
        } catch {
            throw ExitStatus.reporting(error)
        }
        if record.spec.generator == EvolvePlan.generatorName {
            let status: Int32
            do {
                status = try await RunExecution.resumingEvolution(record, execution: execution, operation: operation).perform()
            } catch {
                status = ExitStatus.reporting(error).rawValue
            }
            throw ExitCode(status)
        }
        guard let config = RunConfiguration(stored: record.spec.config), let directory = config.profileDirectory, let surface = config.surface else {
            Terminal.error("run \(runID) has no stored profile directory or surface; it was not started by `improve-cli run`")
            throw ExitCode(ExitStatus.error.rawValue)
        }
        var options = ImproveOptions(surface: surface, generator: record.spec.generator, seed: record.spec.seed, dedupeKey: record.spec.dedupeKey, inPlace: config.inPlace ?? false)
        options.budget = config.budget
        let status = await RunExecution(
            profileDirectory: directory, options: options, execution: execution, operation: operation, expectedProfileHash: record.spec.profileHash
        ).perform()
        throw ExitCode(status)
    }
}
