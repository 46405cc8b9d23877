import ImproveCore

/// Everything an author is shown to write one child: the parent's text, search items the parent
/// lost, and earlier attempts that did not help. Built from search-split results only; the
/// holdout slice is drawn after the last brief, so no brief can hold a holdout item.
public struct AuthorBrief: Sendable, Codable, Equatable {
    /// The component to rewrite (`strategy` on the strategy surface).
    public var component: String
    /// The parent's text of that component.
    public var current: String
    /// The parent's candidate id.
    public var parentID: String
    /// The parent's search mean.
    public var parentScore: Double
    /// Search items the parent lost, a seeded sample of at most `lossesShown`.
    public var losses: [LostItem]
    /// Attempts on this component that were rejected or did not beat their parent, newest last.
    public var rejected: [RejectedEdit]
    /// The generation the child will belong to.
    public var generation: Int
    /// Position of the child within its generation.
    public var slot: Int
    /// Seed of the author's sampling for this child, derived from the run's seed.
    public var seed: UInt64

    public init(component: String, current: String, parentID: String, parentScore: Double, losses: [LostItem], rejected: [RejectedEdit], generation: Int, slot: Int, seed: UInt64) {
        self.component = component
        self.current = current
        self.parentID = parentID
        self.parentScore = parentScore
        self.losses = losses
        self.rejected = rejected
        self.generation = generation
        self.slot = slot
        self.seed = seed
    }
}

/// A search item the parent did not get fully right, with what it answered.
public struct LostItem: Sendable, Codable, Equatable {
    /// The search item's id.
    public var itemID: String
    /// The item's input fields.
    public var fields: [String: String]
    /// The expected answer, when the suite has one.
    public var expected: String?
    /// What the parent answered.
    public var output: String
    /// The parent's score on the item, below 1.
    public var score: Double
    /// The scorers' feedback on that answer.
    public var feedback: String

    public init(itemID: String, fields: [String: String], expected: String?, output: String, score: Double, feedback: String) {
        self.itemID = itemID
        self.fields = fields
        self.expected = expected
        self.output = output
        self.score = score
        self.feedback = feedback
    }
}
