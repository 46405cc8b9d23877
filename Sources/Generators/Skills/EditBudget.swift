import ImproveCore

/// The annealing edit budget of the skill optimiser: the most operations one patch may
/// apply. It halves after every `patience` consecutive rejected proposals (never below
/// `minimum`) and returns to `maximum` after an accepted one, so a struggling search makes
/// smaller, safer edits.
///
/// The state is derived from the proposal context alone, so a resumed run computes the same
/// budget: each proposal's rationale records how many rejected edits the context held when
/// it was made (``marker(rejectedCount:)``); the rejections since the newest accepted
/// proposal of this generator in the pool are the streak.
public struct EditBudget: Sendable, Equatable {
    public var maximum: Int
    public var minimum: Int
    public var patience: Int

    public init(maximum: Int = 4, minimum: Int = 1, patience: Int = 2) {
        self.maximum = max(1, maximum)
        self.minimum = max(1, min(minimum, maximum))
        self.patience = max(1, patience)
    }

    /// The budget after `streak` consecutive rejections.
    public func budget(afterConsecutiveRejections streak: Int) -> Int {
        let halvings = min(streak / patience, 30)
        return max(minimum, maximum >> halvings)
    }

    /// The consecutive rejections of `generator`'s proposals visible in `context`.
    public static func consecutiveRejections(of generator: String, in context: ProposalContext) -> Int {
        let lastAccepted = context.pool.last { $0.candidate.generator == generator }
        let since = lastAccepted.flatMap { rejectedCount(in: $0.candidate.rationale) } ?? 0
        guard since < context.rejected.count else { return 0 }
        return context.rejected[since...].filter { $0.generator == generator }.count
    }

    /// The rationale suffix that records the context's rejected-edit count at proposal time.
    public static func marker(rejectedCount: Int) -> String {
        "[rejected-before: \(rejectedCount)]"
    }

    static func rejectedCount(in rationale: String) -> Int? {
        guard let range = rationale.range(of: "[rejected-before: ", options: .backwards) else { return nil }
        return Int(rationale[range.upperBound...].prefix { $0.isNumber })
    }
}
