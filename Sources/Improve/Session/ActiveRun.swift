import ImproveCore

/// An open run, as its body sees it: the record, the journal, and the only way to a model.
struct ActiveRun: Sendable {
    /// The run as opened (its id, spec and state before this attempt).
    let record: RunRecord
    /// True when an unfinished run with the same dedupe key was continued.
    let joined: Bool
    /// This process's journal of the run: every model call and experiment is a step of it.
    let journal: any StepJournal
    /// The store the run lives in.
    let store: any RunStore
    /// Mirrors candidates, evaluations and events into the store, each once.
    let recorder: RunRecorder
    /// Raw clients behind the spend gate: a body reaches a model through ``client(_:role:)``;
    /// only code that wraps its own clients with `RoleClient` (the evaluation set-up of `eval`,
    /// an agent's gateway) takes them as they are.
    let models: ModelAccess
    /// The policy's allowed models.
    let allowed: AllowedModels
    /// Agents (programs, services) started for this run; the session closes them at its end.
    let agents = AgentDrivers()

    /// The run's id.
    var id: String { record.id }
    /// True when answers come from a stub or a cassette (recorded in the audit).
    var isStubOrReplay: Bool { models.isStubOrReplay }

    init(record: RunRecord, joined: Bool, journal: any StepJournal, store: any RunStore, models: ModelAccess, allowed: AllowedModels) {
        self.record = record
        self.joined = joined
        self.journal = journal
        self.store = store
        self.recorder = RunRecorder(store: store, runID: record.id)
        self.models = models
        self.allowed = allowed
    }

    /// The client of `role` for `model`, wrapped by ``RoleClient/wrap(_:role:allowed:journal:)``:
    /// the allowed-models guard outside the journal, the spend gate before the provider.
    func client(_ model: ModelSpec, role: ModelRole) throws -> any ModelClient {
        RoleClient.wrap(try models.makeClient(model), role: role.rawValue, allowed: allowed, journal: journal)
    }
}
