/// The one order in which a role's raw client is wrapped, for every role of every command
/// (`task`, `reflection`, `judge`, `simulator`; `eval`, `run`, `resume`).
///
/// The allowed-models guard sits *outside* the journal: a replayed answer passes the policy
/// check exactly like a live one, so a model removed from `allowedModels` between two runs is
/// refused on replay too (the guard checks the requested model and the model the stored
/// answer says served it).
public enum RoleClient {
    /// `guard(journal(raw))`, or `guard(raw)` when there is no journal.
    public static func wrap(_ raw: any ModelClient, role: String, allowed: AllowedModels, journal: (any StepJournal)?) -> any ModelClient {
        let inner: any ModelClient = journal.map { JournaledModelClient(raw, journal: $0) } ?? raw
        return GuardedModelClient(inner, allowed: allowed, role: role)
    }
}
