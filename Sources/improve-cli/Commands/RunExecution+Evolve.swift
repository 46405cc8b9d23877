import ArgumentParser
import Evals
import Foundation
import Generators
import Improve
import ImproveCore

/// What `evolve` asks of ``RunExecution`` beyond a `run`: the evolution overrides and, for
/// replicates, the seeds (one run each).
struct EvolutionRequest {
    /// Population, generations, elites and holdout size overrides; its `run` is replaced by the
    /// execution's options (seed, budget, dedupe window, worker id) when the run starts.
    var options: EvolveOptions
    /// `--seeds`: one replicate run per seed; nil runs the single seed of `options`.
    var seeds: [UInt64]?
}

/// `evolve` goes through the same path as `run` (lock, spend ceiling, session record, metrics
/// file, log format); only its preparation, progress lines and printed summary differ.
extension RunExecution {
    /// The execution that finishes a stored evolve run with the settings it started with.
    static func resumingEvolution(_ record: RunRecord, execution: ExecutionOptions, operation: OperationOptions) throws -> RunExecution {
        guard let config = RunConfiguration(stored: record.spec.config), let directory = config.profileDirectory, let surface = config.surface,
            let settings = config.evolution
        else {
            throw PreflightError(problem: "run \(record.id) has no stored profile directory, surface or evolution settings; it was not started by `improve-cli evolve`")
        }
        var run = ImproveOptions(surface: surface, seed: record.spec.seed, dedupeKey: record.spec.dedupeKey, inPlace: config.inPlace ?? false)
        run.budget = config.budget
        let options = EvolveOptions(
            run: run, population: settings.population, generations: settings.generations, elites: settings.elites, holdoutSize: settings.holdoutSize)
        return RunExecution(
            profileDirectory: directory, options: run, execution: execution, operation: operation, expectedProfileHash: record.spec.profileHash,
            evolution: EvolutionRequest(options: options, seeds: nil))
    }

    /// Preflights every seed before the store is opened (a breach leaves no file behind) and
    /// returns the evolution, behind `gate`, waiting for its store.
    func prepareEvolution(_ request: EvolutionRequest, _ options: ImproveOptions, gate: SpendGate, line: ProgressLine) throws -> PreparedRun {
        let bundle = try loadBundle()
        let inputs = try ImproveInputs(bundle: bundle)
        var authors: [ModelSpec] = []
        for seed in request.seeds ?? [options.seed ?? bundle.policy.search.seed] {
            var each = request.options
            each.run = options
            each.run.seed = seed
            authors.append(try EvolvePlan(inputs, options: each).authorModel)
        }
        let models = gate.guarding(try ModelAccessFactory.make(
            providersFile: bundle.providersFile, execution: execution,
            models: [bundle.profile.model] + bundle.policy.roles.values.sorted { $0.qualifiedName < $1.qualifiedName } + authors))
        return PreparedRun(policy: inputs.policy) { store, options, progress in
            var evolveOptions = request.options
            evolveOptions.run = options
            let notes: @Sendable (EvolveProgress) -> Void = { note in
                if case .run(let inner) = note { progress(inner) } else { Self.show(note, on: line) }
            }
            guard let seeds = request.seeds else {
                return .outcome(try await evolve(inputs, options: evolveOptions, store: store, models: models, progress: notes))
            }
            let summaryDirectory = options.outputDirectory
                ?? bundle.directory.appendingPathComponent("runs").appendingPathComponent("replicates-seeds-" + seeds.map(String.init).joined(separator: "-"))
            return .replicates(
                try await evolveReplicates(inputs, seeds: seeds, options: evolveOptions, store: store, models: models, summaryDirectory: summaryDirectory, progress: notes))
        }
    }

    /// Prints the summary of `evolve --seeds`.
    func print(_ summary: ReplicateSummary) throws {
        if execution.json { try Terminal.printJSON(summary) } else { Swift.print(Self.describe(summary)) }
    }

    private static func show(_ note: EvolveProgress, on line: ProgressLine) {
        switch note {
        case .run(let inner):
            show(inner, on: line)
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

    /// The lines `summary` adds for an evolve run: the champion and the research tables.
    static func evolutionLines(_ evolution: EvolutionSummary) -> [String] {
        var lines = [
            "champion \(evolution.championID.prefix(12)): search \(String(format: "%.1f%%", evolution.championSearchScore * 100)), \(String(format: "%.1f", evolution.championCost.tokensPerItem)) tokens/item; \(evolution.attempts) attempts, \(evolution.scored) scored, \(evolution.authorCalls) author calls"
        ]
        for key in evolution.tables.keys.sorted() { lines.append("\(key): \(evolution.tables[key] ?? "")") }
        return lines
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
