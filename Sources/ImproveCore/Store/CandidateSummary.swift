import Foundation

/// A stored candidate with its mean scores, as `improve-cli show` lists it.
public struct CandidateSummary: Codable, Sendable, Equatable {
    /// The candidate id as stored (the hash of its components).
    public var id: String
    /// Its components, parents, generator and rationale.
    public var candidate: Candidate
    /// Mean score over its stored search-split evaluations (nil when none is stored).
    public var searchScore: Double?
    /// How many search items that mean is over.
    public var searchItems: Int
    /// Mean score over its stored holdout evaluations (nil for candidates not taken to the holdout).
    public var holdoutScore: Double?
    /// When the candidate was first recorded.
    public var recordedAt: Date

    public init(id: String, candidate: Candidate, searchScore: Double?, searchItems: Int, holdoutScore: Double?, recordedAt: Date) {
        self.id = id
        self.candidate = candidate
        self.searchScore = searchScore
        self.searchItems = searchItems
        self.holdoutScore = holdoutScore
        self.recordedAt = recordedAt
    }
}
