import ArgumentParser
import Evals
import Foundation
import Generators
import Improve
import ImproveCore

/// The body of `evolve` (and of `resume` for an evolve run): load, preflight before the store is
/// opened, run one seed or a set of replicates with progress and signal handling, print, exit.
struct EvolveExecution {
    let profileDirectory: String
    var options: EvolveOptions
    var seeds: [UInt64]?
    let execution: ExecutionOptions
    var expectedProfileHash: String? = nil

    /// The execution that finishes a stored evolve run with the settings it started with.
    static func resuming(_ record: RunRecord, execution: ExecutionOptions) throws -> EvolveExecution {
        let config = record.spec.config
        guard let directory = config["profileDirectory"]?.stringValue,
            let surface = config["surface"]?.stringValue.flatMap(SurfaceKind.init(rawValue:)),
            let settings = try? config["evolution"]?.decode(as: EvolutionSettings.self)
        else {
            throw PreflightError(problem: "run \(record.id) has no stored profile directory, surface or evolution settings; it was not started by `improve-cli evolve`")
        }
        var run = ImproveOptions(surface: surface, seed: record.spec.seed, dedupeKey: record.spec.dedupeKey, inPlace: config["inPlace"]?.boolValue ?? false)
        run.budget = try? config["budget"]?.decode(as: Budget.self)
        let options = EvolveOptions(
            run: run, population: settings.population, generations: settings.generations, elites: settings.elites, holdoutSize: settings.holdoutSize)
        return EvolveExecution(profileDirectory: directory, options: options, seeds: nil, execution: execution, expectedProfileHash: record.spec.profileHash)
    }

    func perform() async -> Int32 {
        do {
            var configured = self.options
            configured.run.outputDirectory = execution.out.map { URL(fileURLWithPath: $0) }
            configured.run.auditKey = AuditSigner.keyFromEnvironment()
            let options = configured
            let bundle = try ProfileBundle.load(directory: URL(fileURLWithPath: profileDirectory))
            try InputWarnings.report(bundle.warnings, strict: execution.strict)
            if let expected = expectedProfileHash, expected != bundle.profile.contentHash {
                throw PreflightError(problem: "\(bundle.profileFile.path) changed since the run started (hash \(bundle.profile.contentHash.prefix(12)) ≠ \(expected.prefix(12))); start a new run instead")
            }
            let inputs = try ImproveInputs(bundle: bundle)
            // Preflight before the store is even opened: a breach must leave no file behind.
            for seed in seeds ?? [options.run.seed ?? bundle.policy.search.seed] {
                var each = options
                each.run.seed = seed
                _ = try EvolvePlan(inputs, options: each)
            }
            let models = try ModelAccessFactory.make(providersFile: bundle.providersFile, execution: execution)
            let store = try RunExecution.openStore(execution)
            let line = ProgressLine(enabled: !execution.json)
            let progress: @Sendable (EvolveProgress) -> Void = { note in Self.show(note, on: line) }

            if let seeds {
                let summaryDirectory = options.run.outputDirectory
                    ?? bundle.directory.appendingPathComponent("runs").appendingPathComponent("replicates-seeds-" + seeds.map(String.init).joined(separator: "-"))
                let summary = try await interruptible {
                    try await evolveReplicates(inputs, seeds: seeds, options: options, store: store, models: models, summaryDirectory: summaryDirectory, progress: progress)
                }
                line.finish()
                if execution.json { try Terminal.printJSON(summary) } else { print(Self.describe(summary)) }
                return ExitStatus.shipped.rawValue
            }
            let outcome = try await interruptible {
                try await evolve(inputs, options: options, store: store, models: models, progress: progress)
            }
            line.finish()
            if execution.json { try Terminal.printJSON(outcome) } else { print(Self.describe(outcome)) }
            switch outcome.verdict {
            case .ship: return ExitStatus.shipped.rawValue
            case .hold: return ExitStatus.held.rawValue
            case .reject: return ExitStatus.rejected.rawValue
            }
        } catch {
            return RunExecution.exitStatus(reporting: error)
        }
    }

    /// Runs `body` as a task that SIGINT / SIGTERM cancel at the next step boundary.
    private func interruptible<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let monitor = InterruptionMonitor()
        let task = Task { try await body() }
        monitor.install { task.cancel() }
        return try await task.value
    }

    private static func show(_ note: EvolveProgress, on line: ProgressLine) {
        switch note {
        case .run(let inner):
            RunExecution.show(inner, on: line)
        case .attempt(let entry):
            let score = entry.searchScore.map { String(format: "%.1f%%", $0 * 100) } ?? "not scored"
            line.update("generation \(entry.generation), child \(entry.slot + 1): \(entry.status.rawValue), \(score)", fraction: nil)
        case .generation(let row):
            line.update("", fraction: nil)
            let figures = String(
                format: "%d members, best %.1f%%, mean %.1f%%, spread %.1f%%, %.0f tokens/item", row.members.count, row.best * 100, row.mean * 100,
                row.spread * 100, row.tokensPerItem)
            Terminal.note("generation \(row.generation): \(figures), champion \(row.championID.prefix(12)) (\(String(format: "%.1f%%", row.championScore * 100)))")
        }
    }

    static func describe(_ outcome: ImproveOutcome) -> String {
        var lines = [RunExecution.summary(outcome)]
        if let evolution = outcome.evolution {
            lines.append("champion \(evolution.championID.prefix(12)): search \(String(format: "%.1f%%", evolution.championSearchScore * 100)), \(String(format: "%.1f", evolution.championCost.tokensPerItem)) tokens/item; \(evolution.attempts) attempts, \(evolution.scored) scored, \(evolution.authorCalls) author calls")
            for key in evolution.tables.keys.sorted() { lines.append("\(key): \(evolution.tables[key] ?? "")") }
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ summary: ReplicateSummary) -> String {
        let pct = { (value: Double?) in value.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var lines = ["\(summary.rows.count) replicates:"]
        for row in summary.rows {
            lines.append("  seed \(row.seed): run \(row.runID) \(row.verdict.rawValue.uppercased()), search \(pct(row.baselineSearch)) → \(pct(row.championSearch)), holdout \(pct(row.baselineHoldout)) → \(pct(row.winnerHoldout))")
        }
        func interval(_ name: String, _ value: SeedInterval) -> String {
            let range = value.lower.map { "[\(pct($0)), \(pct(value.upper))]" } ?? "(one seed: no interval)"
            return "\(name): mean \(pct(value.mean)), 95% interval \(range)"
        }
        lines.append(interval("champion search score", summary.championSearch))
        lines.append(interval("search lift", summary.searchLift))
        lines.append(interval("holdout lift", summary.holdoutLift))
        lines.append("verdicts: " + summary.verdicts.keys.sorted().map { "\($0) \(summary.verdicts[$0] ?? 0)" }.joined(separator: ", "))
        for key in summary.files.keys.sorted() { lines.append("\(key): \(summary.files[key] ?? "")") }
        return lines.joined(separator: "\n")
    }
}
