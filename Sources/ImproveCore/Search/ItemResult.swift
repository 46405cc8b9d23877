/// The scored outcome of running one candidate on one item.
public struct ItemResult: Codable, Sendable, Hashable {
    /// The item's id (a persona trial's is `<persona>#<trial>`).
    public var itemID: String
    /// Overall score in [0, 1].
    public var score: Double
    /// Pass/fail where the scorers define it.
    public var passed: Bool?
    /// Text written for a reflection model: what was expected, what came out, why it failed.
    public var feedback: String
    /// Per-dimension (per-scorer) scores in [0, 1].
    public var dimensions: [String: Double]
    /// What was sent and what came back, when the rollout got that far.
    public var trace: RolloutTrace?
    /// Set when the rollout itself failed (infrastructure, simulator), as opposed to a low score:
    /// the text users see. What failed is ``failure``, never this text.
    public var error: String?
    /// What failed, set exactly when ``error`` is: decides how the gate and the reports count the
    /// result, so no code reads the kind from the error text.
    public var failure: ItemFailure?

    /// A result; `failure` is the kind of `error` (``ItemFailure/infrastructure`` when not given)
    /// and is ignored without an error.
    public init(
        itemID: String, score: Double, passed: Bool? = nil, feedback: String = "", dimensions: [String: Double] = [:], trace: RolloutTrace? = nil,
        error: String? = nil, failure: ItemFailure? = nil
    ) {
        self.itemID = itemID
        self.score = score
        self.passed = passed
        self.feedback = feedback
        self.dimensions = dimensions
        self.trace = trace
        self.error = error
        // Every failure that was not the simulator's counted as infrastructure before the kind
        // existed, so an error given without a kind keeps meaning that.
        self.failure = error == nil ? nil : failure ?? .infrastructure
    }
}

extension ItemResult {
    private enum CodingKeys: String, CodingKey {
        case itemID, score, passed, feedback, dimensions, trace, error, failure
    }

    /// Decodes a result as stored; one stored before ``failure`` existed (in a step journal, a
    /// store or an eval report) takes the kind its error text implied.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        itemID = try container.decode(String.self, forKey: .itemID)
        score = try container.decode(Double.self, forKey: .score)
        passed = try container.decodeIfPresent(Bool.self, forKey: .passed)
        feedback = try container.decode(String.self, forKey: .feedback)
        dimensions = try container.decode([String: Double].self, forKey: .dimensions)
        trace = try container.decodeIfPresent(RolloutTrace.self, forKey: .trace)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        let stored = try container.decodeIfPresent(ItemFailure.self, forKey: .failure)
        failure = error.map { stored ?? ItemFailure(legacyError: $0) }
    }
}

extension ItemResult {
    /// True when the rollout failed for a reason outside the agent (infrastructure, simulator):
    /// such a result is left out of means and of the gate's pairs. An agent failure is not: it
    /// is a score of 0 like any wrong answer.
    public var isExcluded: Bool { error != nil && failure != .agent }
}
