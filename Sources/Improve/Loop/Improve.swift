import Foundation
import Generators
import ImproveCore

/// Searches for a better version of one surface of a profile and ships it only through the
/// promotion gate.
///
/// The steps, in order: preflight (every role's model allowed, budget bounded, splits disjoint —
/// a breach throws ``PolicyViolation`` before anything is written), open or join the run by its
/// dedupe key, search on the search split, evaluate the baseline and the finalists on the
/// holdout split, gate, then write the audit record, the report and — only on ship — the new
/// profile version. Every model call goes through the guard, the step journal and the spend
/// gate (the policy's `spendCeiling`, or ``ImproveOptions/spendGate``), so calling `improve`
/// again after a crash replays completed work for free and finishes the run.
public func improve(
    _ inputs: ImproveInputs, surface: SurfaceKind, generator: String? = nil, options: ImproveOptions,
    store: any RunStore, models: ModelAccess,
    progress: (@Sendable (ImproveProgress) -> Void)? = nil
) async throws -> ImproveOutcome {
    var options = options
    options.surface = surface
    options.generator = generator ?? options.generator
    return try await improve(try ImprovePlan(inputs, options: options), store: store, models: models, progress: progress)
}

/// Runs a plan that passed preflight (see ``improve(_:surface:generator:options:store:models:progress:)``).
///
/// - Throws: ``SpendCeilingReached`` when the spend ceiling stopped the run and
///   `StoreError.cancelled` when it was cancelled (both resumable: the same call continues it);
///   any other error marks the run failed.
public func improve(
    _ plan: ImprovePlan, store: any RunStore, models: ModelAccess, progress: (@Sendable (ImproveProgress) -> Void)? = nil
) async throws -> ImproveOutcome {
    for warning in plan.warnings { progress?(.warning(warning)) }
    if let floor = plan.budgetFloor { progress?(.warning(floor.warning)) }
    return try await RunSession(store: store, models: models, options: plan.options).execute(
        ImproveRun(plan: plan, progress: progress), onJoinedFinished: { progress?(.joined(runID: $0)) })
}

/// Progress notes for a UI.
public enum ImproveProgress: Sendable {
    case joined(runID: String)
    case started(runID: String, searchItems: Int, holdoutItems: Int)
    /// An autoresearch run began on `file`, with up to `attempts` edits.
    case startedArtifact(runID: String, file: String, attempts: Int)
    /// An autoresearch attempt (number 0: a baseline run) was logged, out of `of` attempts.
    case artifactAttempt(Attempt, of: Int)
    case search(SearchProgress, budget: Budget)
    case holdout(done: Int, total: Int)
    case warning(String)
}
