import Foundation
import Generators
import ImproveCore

/// The body of `improve` in its ``RunSession``: search on the search split, score the baseline
/// and the finalists on the holdout split, gate, write. A fresh run, a joined run and a
/// resumption are the same code, because every paid step replays from the journal.
struct ImproveRun: RunBody {
    let plan: ImprovePlan
    let progress: (@Sendable (ImproveProgress) -> Void)?

    var policy: Policy { plan.inputs.policy }

    func spec() throws -> RunSpec {
        try RunIdentity.spec(of: plan)
    }

    func execute(in run: ActiveRun) async throws -> ImproveOutcome {
        let (inputs, options, surface, budget, settings) = (plan.inputs, plan.options, plan.surface, plan.budget, plan.settings)
        progress?(.started(runID: run.id, searchItems: inputs.search.count, holdoutItems: inputs.holdout.count))
        let agent = try await run.agents.taskClient(for: plan.agentInputs, in: run)
        let clients = try RunClients(run, task: inputs.profile.model, agent: agent, reflection: plan.reflectionModel, roles: inputs.evaluationRoles)
        let evaluator = try inputs.makeEvaluator(clients.task, clients.roles, run.journal)

        // Search (search split only; the engine never receives holdout items).
        let engine = SearchEngine(
            base: inputs.profile, surface: surface, search: SearchSet(items: inputs.search), evaluator: evaluator,
            generator: plan.generator, reflectionModel: clients.reflection, budget: budget, settings: settings,
            progress: { [progress] note in progress?(.search(note, budget: budget)) },
            checkpoint: { event in try await run.recorder.record(event) })
        let clock = ContinuousClock()
        let searchStart = clock.now
        let searchResult = try await engine.run()
        let holdoutStart = clock.now

        // Holdout: baseline and finalists, journaled like everything else.
        let phase = try await HoldoutPhase(
            inputs: inputs, surface: surface, evaluator: evaluator, gate: policy.gate, recorder: run.recorder, progress: progress, checks: options.gateChecks
        ).run(searchResult)
        let timings = ["search": (holdoutStart - searchStart).inSeconds, "holdout": (clock.now - holdoutStart).inSeconds]

        // Write: audit and report always; the profile only on ship.
        var outcome = try WriteBack(
            inputs: inputs, options: options, runID: run.id, joined: run.joined, generatorName: plan.generatorName,
            isStubOrReplay: run.isStubOrReplay, seed: settings.seed, budget: budget, timings: timings
        ).write(search: searchResult, holdout: phase, surface: surface)
        outcome.budgetFloor = plan.budgetFloor
        return outcome
    }
}

/// The run's model clients, each made by ``ActiveRun/client(_:role:)`` (the guard outside the
/// journal), so a replayed answer is checked against the policy exactly like a live one.
struct RunClients {
    let task: any ModelClient
    let reflection: any ModelClient
    let roles: RoleClients

    /// - Parameter agent: the task client of a profile's agent program or service, used instead
    ///   of a chat completion of `task` when the profile has an `agent:` block.
    init(_ run: ActiveRun, task: ModelSpec, agent: (any ModelClient)? = nil, reflection: ModelSpec, roles: [(role: ModelRole, model: ModelSpec)]) throws {
        self.task = try agent ?? run.client(task, role: .task)
        self.reflection = try run.client(reflection, role: .reflection)
        var others: [ModelRole: any ModelClient] = [:]
        for (role, spec) in roles { others[role] = try run.client(spec, role: role) }
        self.roles = RoleClients(others)
    }
}
