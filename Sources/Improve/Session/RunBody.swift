import ImproveCore

/// One way to run — `improve`, `evolve`, autoresearch, `evaluate` — as the ``RunSession`` sees
/// it: an identity in the store, a policy, and the work done once the run is open.
///
/// A body never opens a run, makes a journal, wraps a client or writes the run's end state:
/// the session does each of those once, in one order, for every way to run.
protocol RunBody: Sendable {
    /// What the body returns; stored as the run's result when it completes.
    associatedtype Outcome: Sendable

    /// The run's spec: its dedupe key (from ``RunIdentity``), seed, configuration and policy.
    func spec() throws -> RunSpec

    /// The policy whose allowed models guard every client and whose `spendCeiling` applies.
    var policy: Policy { get }

    /// The outcome of a run with the same key that already completed, from its stored result;
    /// nil runs the body again (every call replays from the journal, so nothing is paid).
    func reuse(_ stored: JSONValue) throws -> Outcome?

    /// The outcome as the store keeps it (the run's `result`).
    func stored(_ outcome: Outcome) throws -> JSONValue

    /// The work: search, gate, write — with clients from `run`, which are guarded and journaled.
    func execute(in run: ActiveRun) async throws -> Outcome
}

extension RunBody where Outcome == ImproveOutcome {
    /// A finished profile or artifact run answers with its stored outcome, marked as joined.
    func reuse(_ stored: JSONValue) throws -> ImproveOutcome? {
        var outcome = try stored.decode(as: ImproveOutcome.self)
        outcome.joinedExistingRun = true
        return outcome
    }

    func stored(_ outcome: ImproveOutcome) throws -> JSONValue {
        try JSONValue(encoding: outcome)
    }
}
