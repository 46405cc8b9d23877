/// A proposed version of a surface's components.
public struct Candidate: Codable, Sendable, Hashable, Identifiable {
    /// Component name to text (`systemPrompt`, `userTemplate`, `skill:triage`, `strategy`, ...).
    public var components: [String: String]
    /// Ids of the candidates this one was derived from (empty for the seed).
    public var parents: [String]
    /// Name of the generator or operator that proposed it.
    public var generator: String
    /// Why the generator proposed it, in its own words.
    public var rationale: String

    public init(components: [String: String], parents: [String] = [], generator: String, rationale: String = "") {
        self.components = components
        self.parents = parents
        self.generator = generator
        self.rationale = rationale
    }

    /// Identity: SHA-256 of the canonical JSON of the components only, so the same text
    /// proposed twice (by any generator) is the same candidate and is never scored twice.
    public var id: String {
        (try? ContentHash.of(JSONValue.object(components.mapValues { .string($0) }))) ?? ""
    }
}
