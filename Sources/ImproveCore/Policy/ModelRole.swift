/// The roles a model plays in a run. Each role's model must be allowed by the policy.
///
/// The raw values are the names written in `policy.yaml` (`roles:`), in policy-violation
/// messages, journals and audits, unchanged.
public enum ModelRole: String, Codable, Sendable, CaseIterable {
    /// The agent being improved (the profile's own model).
    case task
    /// Reads failures and proposes edits (reflective generators).
    case reflection
    /// Grades outputs and persona dialogues against a rubric.
    case judge
    /// Plays the personas of a dialogue suite.
    case simulator
    /// Writes strategies in strategy evolution.
    case author

    /// The roles `policy.yaml` may give a model of their own (the task model is the profile's).
    public static var configurable: [ModelRole] { allCases.filter { $0 != .task } }
}

extension Policy {
    /// The model of `role`: the policy's `roles.<role>`, else the task model.
    public func model(for role: ModelRole, task: ModelSpec) -> ModelSpec {
        model(for: role.rawValue, task: task)
    }
}
