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
    /// returns the evolution, waiting for its store.
    func prepareEvolution(_ request: EvolutionRequest, _ options: ImproveOptions, line: ProgressLine) throws -> PreparedRun {
        let bundle = try loadBundle()
        try Self.refuseDistributedAgent(bundle, distributed: execution.distributed)
        let inputs = try ImproveInputs(bundle: bundle)
        var plans: [EvolvePlan] = []
        for seed in request.seeds ?? [options.seed ?? bundle.policy.search.seed] {
            var each = request.options
            each.run = options
            each.run.seed = seed
            plans.append(try EvolvePlan(inputs, options: each))
        }
        try refuseWarnings(plans.flatMap(\.warnings), policyFile: bundle.policyFile.path)
        let models = try ModelAccessFactory.make(
            profileDirectory: bundle.directory, sources: execution.models,
            models: plans.flatMap { $0.roles.map(\.model) } + bundle.policy.roles.values.sorted { $0.qualifiedName < $1.qualifiedName })
        return PreparedRun(policy: inputs.policy) { store, options, progress in
            let notes: @Sendable (EvolveProgress) -> Void = { note in
                if case .run(let inner) = note { progress(inner) } else { ProgressNotes.show(note, on: line) }
            }
            guard let seeds = request.seeds else {
                // One seed, one plan: the one preflight made above.
                guard let plan = plans.first else { throw PreflightError(problem: "no seed to evolve") }
                return .outcome(try await evolve(plan.executing(workerID: options.workerID, spendGate: options.spendGate), store: store, models: models, progress: notes))
            }
            var evolveOptions = request.options
            evolveOptions.run = options
            let summaryDirectory = options.outputDirectory
                ?? bundle.directory.appendingPathComponent("runs").appendingPathComponent("replicates-seeds-" + seeds.map(String.init).joined(separator: "-"))
            return .replicates(
                try await evolveReplicates(inputs, seeds: seeds, options: evolveOptions, store: store, models: models, summaryDirectory: summaryDirectory, progress: notes))
        }
    }
}
