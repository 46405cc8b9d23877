/// Why an item's rollout failed, as opposed to scoring low: what decides how the gate and the
/// reports count the result.
///
/// Stored beside ``ItemResult/error``, whose text is what users see and is never parsed for
/// the kind. A result stored before the kind existed takes the one its error text implied.
public enum ItemFailure: String, Codable, Sendable, Hashable, CaseIterable {
    /// A call the agent depends on failed between the gateway and the provider (the agent's
    /// model, the judge), or the scoring itself failed: nothing the agent did, so the unit is
    /// left out of every arm of the gate's pairs.
    case infrastructure
    /// The simulated user's model call failed: the dialogue says nothing about the agent, so the
    /// unit is left out of every arm and counted apart from infrastructure.
    case simulator
    /// The user's agent program or service failed the unit (crashed, timed out, broke the
    /// protocol): the agent's own doing, so the unit scores 0 and counts in both arms, unlike
    /// the two kinds above, which are excluded.
    case agent

    /// The kind of a result stored without one. Until the kind was stored, a `simulator:` prefix
    /// on the error text was the only mark of a simulator failure and every other error (the
    /// `agent:` and `judge:` model calls included) counted as infrastructure.
    package init(legacyError error: String) {
        self = error.hasPrefix("simulator:") ? .simulator : .infrastructure
    }
}
