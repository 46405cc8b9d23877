import ImproveCore

/// What an author wrote: the new text and, in its own words, why.
public struct AuthoredText: Sendable, Codable, Equatable {
    /// The new text of the component.
    public var text: String
    /// Why, in the author's words (may be empty).
    public var rationale: String

    public init(text: String, rationale: String) {
        self.text = text
        self.rationale = rationale
    }
}

/// Writes a new version of one component from an ``AuthorBrief``.
public protocol StrategyAuthor: Sendable {
    /// Stable name, recorded as the generator of every candidate it writes.
    var name: String { get }
    /// The new text, or nil when the reply held nothing usable. Model calls go through `model`,
    /// which the caller has wrapped in the allowed-models guard and the step journal.
    func write(_ brief: AuthorBrief, model: any ModelClient) async throws -> AuthoredText?
}
