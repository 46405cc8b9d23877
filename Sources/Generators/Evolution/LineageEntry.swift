import ImproveCore

/// One candidate in the lineage of an evolution run: who it descends from, when it was born,
/// how it scored on the search split, what it costs, and why its author wrote it.
public struct LineageEntry: Sendable, Codable, Equatable {
    /// What became of the attempt.
    public enum Status: String, Sendable, Codable {
        /// The profile as given (generation 0).
        case seed
        /// Scored on the search split and beat its parent's search mean.
        case improved
        /// Scored on the search split without beating its parent.
        case notBetter
        /// Never scored: empty, a duplicate, a repeat of a rejected attempt, or unusable.
        case rejected
    }

    /// Candidate id (hash of the components); empty when the author wrote nothing usable.
    public var candidateID: String
    /// Ids of the candidates it was written from (empty for the seed).
    public var parents: [String]
    /// The generation it was born in (0 for the seed).
    public var generation: Int
    /// Position within the generation (0 for the seed).
    public var slot: Int
    /// The component the author rewrote.
    public var component: String
    /// The text the attempt gave that component (the seed's own text for generation 0).
    public var text: String
    /// What became of it.
    public var status: Status
    /// Mean search score (nil when never scored).
    public var searchScore: Double?
    /// Task-model cost per scored search item (nil when never scored).
    public var cost: CandidateCost?
    /// Tokens and dollars of the author call that wrote it.
    public var authorUsage: Usage
    /// The author's own words (the seed's is "the profile as given").
    public var rationale: String
    /// Why it was rejected or not better, for people.
    public var note: String

    public init(candidateID: String, parents: [String], generation: Int, slot: Int, component: String, text: String, status: Status, searchScore: Double?, cost: CandidateCost?, authorUsage: Usage, rationale: String, note: String) {
        self.candidateID = candidateID
        self.parents = parents
        self.generation = generation
        self.slot = slot
        self.component = component
        self.text = text
        self.status = status
        self.searchScore = searchScore
        self.cost = cost
        self.authorUsage = authorUsage
        self.rationale = rationale
        self.note = note
    }
}
