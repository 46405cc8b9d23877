import Foundation
import Generators
import ImproveCore

/// One execution of `evolve` (fresh, joined or resumed: the same code, because every model call
/// replays from the journal and the loop is a function of the seed and those answers).
struct EvolveRun {
    let inputs: ImproveInputs
    let options: EvolveOptions
    let store: any RunStore
    let models: ModelAccess
    let progress: (@Sendable (EvolveProgress) -> Void)?

    func execute() async throws -> ImproveOutcome {
        let plan = try EvolvePlan(inputs, options: options)
        let runProgress: @Sendable (ImproveProgress) -> Void = { [progress] note in progress?(.run(note)) }
        for warning in plan.warnings { runProgress(.warning(warning)) }

        let (run, joined): (RunRecord, Bool)
        switch try await RunLifecycle.open(try runSpec(plan), store: store, workerID: options.run.workerID, progress: runProgress) {
        case .finished(let outcome): return outcome
        case .active(let record, let wasJoined): (run, joined) = (record, wasJoined)
        }
        let sliceSize = plan.settings.holdoutSize ?? inputs.holdout.count
        runProgress(.started(runID: run.id, searchItems: inputs.search.count, holdoutItems: sliceSize))
        let journal = try await store.journal(runID: run.id, workerID: options.run.workerID)
        // The author is a role of its own: guarded and journaled like every other client.
        let clients = try RunClients(
            models: models, policy: inputs.policy, journal: journal, task: inputs.profile.model, reflection: plan.authorModel,
            roles: inputs.evaluationRoles + [("author", plan.authorModel)])
        let evaluator = try inputs.makeEvaluator(clients.task, clients.roles, journal)
        // A resumed run replays its attempts; the recorder keeps each event in the store once.
        let recorder = RunRecorder(store: store, runID: run.id)

        do {
            let clock = ContinuousClock()
            let searchStart = clock.now
            let engine = EvolutionEngine(
                base: inputs.profile, surface: plan.surface, search: SearchSet(items: inputs.search), evaluator: evaluator,
                author: ModelStrategyAuthor(model: plan.authorModel), authorClient: clients.roles["author"] ?? clients.reflection,
                settings: plan.settings, seed: plan.seed, budget: plan.budget, maxComponentLength: inputs.policy.search.maxComponentLength,
                checkpoint: { [progress] event in try await Self.record(event, recorder: recorder, progress: progress) })
            let result = try await engine.run()
            try await recorder.event("authoring-finished", ["authorCalls": .number(Double(result.authorCalls)), "attempts": .number(Double(result.lineage.count))])

            // Only now, with every author call made, is the holdout slice drawn.
            let slice = HoldoutSlice.draw(from: inputs.holdout, size: plan.settings.holdoutSize, seed: plan.seed)
            try await recorder.event("holdout-drawn", ["items": .array(slice.map { .string($0.id) })])
            var gated = inputs
            gated.holdout = slice
            if let versions = options.versionDirectory { gated.profileFile = versions.appendingPathComponent(inputs.profileFile.lastPathComponent) }
            let search = result.searchResult(items: inputs.search, seedValue: plan.seed)
            let holdoutStart = clock.now
            let phase = try await HoldoutPhase(
                inputs: gated, surface: plan.surface, evaluator: evaluator, gate: inputs.policy.gate, recorder: recorder, progress: runProgress
            ).run(search)
            let timings = ["search": (holdoutStart - searchStart).inSeconds, "holdout": (clock.now - holdoutStart).inSeconds]

            var outcome = try WriteBack(
                inputs: gated, options: options.run, runID: run.id, joined: joined, generatorName: EvolvePlan.generatorName,
                isStubOrReplay: models.isStubOrReplay, seed: plan.seed, budget: plan.budget, timings: timings, lineage: result.lineage
            ).write(search: search, holdout: phase, surface: plan.surface)
            let directory = URL(fileURLWithPath: outcome.auditRecord).deletingLastPathComponent()
            let tables = try ResearchTables.write(result, to: directory)
            let report = URL(fileURLWithPath: outcome.report)
            let section = EvolutionReportSection.markdown(result, settings: plan.settings, holdoutItems: slice.count)
            try AtomicFile.write(try Data(contentsOf: report) + Data(section.utf8), to: report)
            outcome.evolution = summary(result, settings: plan.settings, slice: slice, tables: tables)
            try await store.finishRun(id: run.id, state: .completed, result: try JSONValue(encoding: outcome), failure: nil)
            return outcome
        } catch {
            throw await RunLifecycle.ended(runID: run.id, store: store, by: error)
        }
    }

    /// Mirrors an engine event into the store (candidates, evaluations, `lineage` and
    /// `generation` events, each once even across resumptions) and onto the progress callback.
    private static func record(_ event: EvolutionEvent, recorder: RunRecorder, progress: (@Sendable (EvolveProgress) -> Void)?) async throws {
        switch event {
        case .attempt(let entry, let scored):
            if let scored { try await recorder.recordScored(scored, split: .search) }
            try await recorder.event("lineage", try JSONValue(encoding: entry))
            progress?(.attempt(entry))
        case .generation(let stats):
            try await recorder.event("generation", try JSONValue(encoding: stats))
            progress?(.generation(stats))
        }
    }

    private func summary(_ result: EvolutionResult, settings: EvolutionSettings, slice: [EvalItem], tables: [String: String]) -> EvolutionSummary {
        let champion = result.champion
        return EvolutionSummary(
            settings: settings, generations: result.generations, attempts: result.lineage.count, scored: result.scored.count,
            authorCalls: result.authorCalls, championID: champion?.id ?? "", championSearchScore: champion?.meanScore ?? 0,
            championCost: CandidateCost(results: champion.map { Array($0.results.values) } ?? []), holdoutItems: slice.map(\.id), tables: tables)
    }

    /// The run's identity: every input, the evolution settings with their overrides included
    /// (through the policy hash), and the seed, so each replicate seed is a run of its own.
    private func runSpec(_ plan: EvolvePlan) throws -> RunSpec {
        var policy = inputs.policy
        policy.evolution = plan.settings
        let surface = options.run.surface.rawValue
        let policyHash = try ContentHash.of(policy)
        let key = RunIdentity.windowed(options.run.dedupeKey ?? RunIdentity.dedupeKey(
            profileHash: inputs.profile.contentHash, suiteHash: inputs.suiteHash, policyHash: policyHash,
            surface: surface, generator: EvolvePlan.generatorName, budget: plan.budget, seed: plan.seed), window: options.run.dedupeWindow)
        let config: JSONValue = [
            "profileDirectory": .string(inputs.profileFile.deletingLastPathComponent().path),
            "surface": .string(surface), "generator": .string(EvolvePlan.generatorName),
            "budget": try JSONValue(encoding: plan.budget), "seed": .string(String(plan.seed)), "inPlace": .bool(options.run.inPlace),
            "suiteHash": .string(inputs.suiteHash), "evolution": try JSONValue(encoding: plan.settings),
        ]
        return RunSpec(
            dedupeKey: key, seed: plan.seed, profileName: inputs.profile.name, profileHash: inputs.profile.contentHash,
            surface: surface, generator: EvolvePlan.generatorName, config: config, policy: try JSONValue(encoding: policy))
    }
}
