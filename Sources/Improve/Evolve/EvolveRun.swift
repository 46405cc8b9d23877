import Foundation
import Generators
import ImproveCore

/// The body of `evolve` in its ``RunSession`` (fresh, joined or resumed: the same code, because
/// every model call replays from the journal and the loop is a function of the seed and those
/// answers).
struct EvolveRun: RunBody {
    let plan: EvolvePlan
    let progress: (@Sendable (EvolveProgress) -> Void)?

    var policy: Policy { plan.inputs.policy }

    /// The run's identity: every input, the evolution settings with their overrides included
    /// (through the policy hash), and the seed, so each replicate seed is a run of its own.
    func spec() throws -> RunSpec {
        var policy = plan.inputs.policy
        policy.evolution = plan.settings
        return try RunIdentity.profileRunSpec(
            inputs: plan.inputs, options: plan.options.run, policy: policy, generator: EvolvePlan.generatorName, budget: plan.budget, seed: plan.seed,
            evolution: plan.settings)
    }

    func execute(in run: ActiveRun) async throws -> ImproveOutcome {
        let (inputs, options, progress) = (plan.inputs, plan.options, self.progress)
        let runProgress: @Sendable (ImproveProgress) -> Void = { note in progress?(.run(note)) }
        let sliceSize = plan.settings.holdoutSize ?? inputs.holdout.count
        runProgress(.started(runID: run.id, searchItems: inputs.search.count, holdoutItems: sliceSize))
        // The author is a role of its own: guarded and journaled like every other client.
        let agent = try await run.agents.taskClient(
            for: AgentInputs(
                profile: inputs.profile, directory: inputs.profileFile.deletingLastPathComponent(), runtime: options.run.agents,
                concurrency: inputs.policy.search.concurrency, seed: plan.seed), in: run)
        let clients = try RunClients(run, task: inputs.profile.model, agent: agent, reflection: plan.authorModel, roles: inputs.evaluationRoles + [(.author, plan.authorModel)])
        let evaluator = try inputs.makeEvaluator(clients.task, clients.roles, run.journal)
        // A resumed run replays its attempts; the recorder keeps each event in the store once.
        let recorder = run.recorder

        let clock = ContinuousClock()
        let searchStart = clock.now
        let engine = EvolutionEngine(
            base: inputs.profile, surface: plan.surface, search: SearchSet(items: inputs.search), evaluator: evaluator,
            author: ModelStrategyAuthor(model: plan.authorModel), authorClient: clients.roles[.author] ?? clients.reflection,
            settings: plan.settings, seed: plan.seed, budget: plan.budget, maxComponentLength: inputs.policy.search.maxComponentLength,
            checkpoint: { event in try await Self.record(event, recorder: recorder, progress: progress) })
        let result = try await engine.run()
        try await recorder.event(.authoringFinished, ["authorCalls": .number(Double(result.authorCalls)), "attempts": .number(Double(result.lineage.count))])

        // Only now, with every author call made, is the holdout slice drawn.
        let slice = HoldoutSlice.draw(from: inputs.holdout, size: plan.settings.holdoutSize, seed: plan.seed)
        try await recorder.event(.holdoutDrawn, ["items": .array(slice.map { .string($0.id) })])
        var gated = inputs
        gated.holdout = slice
        if let versions = options.versionDirectory { gated.profileFile = versions.appendingPathComponent(inputs.profileFile.lastPathComponent) }
        let search = result.searchResult(items: inputs.search, seedValue: plan.seed)
        let holdoutStart = clock.now
        let phase = try await HoldoutPhase(
            inputs: gated, surface: plan.surface, evaluator: evaluator, gate: inputs.policy.gate, recorder: recorder, progress: runProgress, checks: options.run.gateChecks
        ).run(search)
        let timings = ["search": (holdoutStart - searchStart).inSeconds, "holdout": (clock.now - holdoutStart).inSeconds]

        let section = EvolutionReportSection.markdown(result, settings: plan.settings, holdoutItems: slice.count)
        var outcome = try WriteBack(
            inputs: gated, options: options.run, runID: run.id, joined: run.joined, generatorName: EvolvePlan.generatorName,
            isStubOrReplay: run.isStubOrReplay, seed: plan.seed, budget: plan.budget, timings: timings, lineage: result.lineage, reportAppendix: section
        ).write(search: search, holdout: phase, surface: plan.surface)
        let directory = URL(fileURLWithPath: outcome.auditRecord).deletingLastPathComponent()
        let tables = try ResearchTables.write(result, to: directory)
        outcome.evolution = summary(result, settings: plan.settings, slice: slice, tables: tables)
        return outcome
    }

    /// Mirrors an engine event into the store (candidates, evaluations, `lineage` and
    /// `generation` events, each once even across resumptions) and onto the progress callback.
    private static func record(_ event: EvolutionEvent, recorder: RunRecorder, progress: (@Sendable (EvolveProgress) -> Void)?) async throws {
        switch event {
        case .attempt(let entry, let scored):
            if let scored { try await recorder.recordScored(scored, split: .search) }
            try await recorder.event(.lineage, try JSONValue(encoding: entry))
            progress?(.attempt(entry))
        case .generation(let stats):
            try await recorder.event(.generation, try JSONValue(encoding: stats))
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
}
