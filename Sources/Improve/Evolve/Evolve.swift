import Foundation
import Generators
import ImproveCore

/// Evolves one text surface of a profile — its `strategy` by default — over generations of a
/// population, and ships the cost-aware champion only through the promotion gate of `improve`.
///
/// Preflight first (task, author, judge and simulator models allowed; settings consistent; budget
/// bounded; splits usable — a breach throws before anything is written). Then the run is opened
/// or joined by its dedupe key; generation 0 is the profile as given; each later generation keeps
/// the elites and fills the population with children an author model (the policy's `author` role)
/// writes from a parent drawn from the per-item Pareto frontier of every candidate so far, shown
/// the search items that parent lost and the attempts that did not help. After the last author
/// call a holdout slice is drawn, the champion and the baseline are scored on it, and the gate,
/// audit record and write-back of `improve` decide and record the result. The lineage goes to
/// the store (candidates, evaluations, `lineage` and `generation` events) and to the audit; the
/// per-generation table and the lineage are written beside the report.
///
/// Every model call goes through the guard, the step journal and the spend gate: calling
/// `evolve` again after a crash replays completed calls for free and finishes the same run.
public func evolve(
    _ inputs: ImproveInputs, options: EvolveOptions, store: any RunStore, models: ModelAccess,
    progress: (@Sendable (EvolveProgress) -> Void)? = nil
) async throws -> ImproveOutcome {
    try await evolve(try EvolvePlan(inputs, options: options), store: store, models: models, progress: progress)
}

/// Runs an evolve plan that passed preflight (see ``evolve(_:options:store:models:progress:)``).
/// - Throws: ``SpendCeilingReached`` or `StoreError.cancelled` when stopped (resumable).
public func evolve(
    _ plan: EvolvePlan, store: any RunStore, models: ModelAccess, progress: (@Sendable (EvolveProgress) -> Void)? = nil
) async throws -> ImproveOutcome {
    for warning in plan.warnings { progress?(.run(.warning(warning))) }
    return try await RunSession(store: store, models: models, options: plan.options.run).execute(
        EvolveRun(plan: plan, progress: progress), onJoinedFinished: { progress?(.run(.joined(runID: $0))) })
}

/// Runs `evolve` once per seed — each its own run in the store — and summarises the replicates
/// with a mean and a 95% interval across seeds. The summary (`replicates.json`, `replicates.csv`)
/// goes to `summaryDirectory`, each run's files — a shipped version included — to its
/// `seed-<n>` subdirectory: replicates never write beside the original profile.
public func evolveReplicates(
    _ inputs: ImproveInputs, seeds: [UInt64], options: EvolveOptions, store: any RunStore, models: ModelAccess, summaryDirectory: URL,
    progress: (@Sendable (EvolveProgress) -> Void)? = nil
) async throws -> ReplicateSummary {
    guard !seeds.isEmpty, Set(seeds).count == seeds.count else {
        throw PreflightError(problem: "replicates need distinct seeds, e.g. --seeds 1,2,3")
    }
    // Preflight every replicate before the first spends anything.
    let plans = try seeds.map { seed in
        var each = options
        each.run.seed = seed
        let directory = summaryDirectory.appendingPathComponent("seed-\(seed)")
        each.run.outputDirectory = directory
        each.versionDirectory = directory
        return try EvolvePlan(inputs, options: each)
    }
    var outcomes: [(seed: UInt64, outcome: ImproveOutcome)] = []
    for plan in plans {
        outcomes.append((seed: plan.seed, outcome: try await evolve(plan, store: store, models: models, progress: progress)))
    }
    var summary = ReplicateSummary(outcomes)
    try summary.write(to: summaryDirectory)
    return summary
}
