import Foundation
import Generators
import ImproveCore

/// One execution of `improve` (a fresh run, a joined run or a resumption: they are the same code,
/// because every paid step replays from the journal).
struct ImproveRun {
    let inputs: ImproveInputs
    let options: ImproveOptions
    let store: any RunStore
    let models: ModelAccess
    let progress: (@Sendable (ImproveProgress) -> Void)?

    func execute() async throws -> ImproveOutcome {
        let plan = try ImprovePlan(inputs, options: options)
        let policy = inputs.policy
        let (generatorName, generator, surface, budget, settings) = (plan.generatorName, plan.generator, plan.surface, plan.budget, plan.settings)
        let taskModel = inputs.profile.model
        let reflectionModel = plan.reflectionModel
        for warning in plan.warnings { progress?(.warning(warning)) }
        if let floor = plan.budgetFloor { progress?(.warning(floor.warning)) }

        // 2. Open or join the run.
        let spec = try runSpec(generatorName: generatorName, budget: budget, seed: settings.seed)
        let (run, joined): (RunRecord, Bool)
        switch try await RunLifecycle.open(spec, store: store, workerID: options.workerID, progress: progress) {
        case .finished(let outcome): return outcome
        case .active(let record, let wasJoined): (run, joined) = (record, wasJoined)
        }
        progress?(.started(runID: run.id, searchItems: inputs.search.count, holdoutItems: inputs.holdout.count))
        let journal = try await store.journal(runID: run.id, workerID: options.workerID)
        let clients = try RunClients(models: models, policy: policy, journal: journal, task: taskModel, reflection: reflectionModel, roles: inputs.evaluationRoles)
        let evaluator = try inputs.makeEvaluator(clients.task, clients.roles, journal)
        let recorder = RunRecorder(store: store, runID: run.id)

        do {
            // 3. Search (search split only; the engine never receives holdout items).
            let engine = SearchEngine(
                base: inputs.profile, surface: surface, search: SearchSet(items: inputs.search), evaluator: evaluator,
                generator: generator, reflectionModel: clients.reflection, budget: budget, settings: settings,
                progress: { [progress] note in progress?(.search(note, budget: budget)) },
                checkpoint: { event in try await recorder.record(event) })
            let clock = ContinuousClock()
            let searchStart = clock.now
            let searchResult = try await engine.run()
            let holdoutStart = clock.now

            // 4. Holdout: baseline and finalists, journaled like everything else.
            let phase = try await HoldoutPhase(
                inputs: inputs, surface: surface, evaluator: evaluator, gate: policy.gate, recorder: recorder, progress: progress
            ).run(searchResult)
            let timings = ["search": seconds(holdoutStart - searchStart), "holdout": seconds(clock.now - holdoutStart)]

            // 5. Write: audit and report always; the profile only on ship.
            var outcome = try WriteBack(
                inputs: inputs, options: options, runID: run.id, joined: joined, generatorName: generatorName,
                isStubOrReplay: models.isStubOrReplay, seed: settings.seed, budget: budget, timings: timings
            ).write(search: searchResult, holdout: phase, surface: surface)
            outcome.budgetFloor = plan.budgetFloor
            try await store.finishRun(id: run.id, state: .completed, result: try JSONValue(encoding: outcome), failure: nil)
            return outcome
        } catch {
            throw await RunLifecycle.ended(runID: run.id, store: store, by: error)
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        let (whole, attos) = duration.components
        return Double(whole) + Double(attos) / 1e18
    }

    private func runSpec(generatorName: String, budget: Budget, seed: UInt64) throws -> RunSpec {
        let policyHash = try ContentHash.of(inputs.policy)
        let key = RunIdentity.windowed(options.dedupeKey ?? RunIdentity.dedupeKey(
            profileHash: inputs.profile.contentHash, suiteHash: inputs.suiteHash, policyHash: policyHash,
            surface: options.surface.rawValue, generator: generatorName, budget: budget, seed: seed), window: options.dedupeWindow)
        let config: JSONValue = [
            "profileDirectory": .string(inputs.profileFile.deletingLastPathComponent().path),
            "surface": .string(options.surface.rawValue), "generator": .string(generatorName),
            "budget": try JSONValue(encoding: budget), "seed": .string(String(seed)), "inPlace": .bool(options.inPlace),
            "suiteHash": .string(inputs.suiteHash),
        ]
        return RunSpec(
            dedupeKey: key, seed: seed, profileName: inputs.profile.name, profileHash: inputs.profile.contentHash,
            surface: options.surface.rawValue, generator: generatorName, config: config, policy: try JSONValue(encoding: inputs.policy))
    }
}

/// The run's model clients, each raw client wrapped by ``RoleClient/wrap(_:role:allowed:journal:)``
/// (the guard outside the journal), so a replayed answer is checked against the policy
/// exactly like a live one.
struct RunClients {
    let task: any ModelClient
    let reflection: any ModelClient
    let roles: RoleClients

    init(models: ModelAccess, policy: Policy, journal: any StepJournal, task: ModelSpec, reflection: ModelSpec, roles: [(role: String, model: ModelSpec)]) throws {
        func wrap(_ spec: ModelSpec, _ role: String) throws -> any ModelClient {
            RoleClient.wrap(try models.makeClient(spec), role: role, allowed: policy.allowedModels, journal: journal)
        }
        self.task = try wrap(task, "task")
        self.reflection = try wrap(reflection, "reflection")
        var others: [String: any ModelClient] = [:]
        for (role, spec) in roles { others[role] = try wrap(spec, role) }
        self.roles = RoleClients(others)
    }
}
