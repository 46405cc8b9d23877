import ImproveCore

/// An author backed by a chat model (the policy's `author` role): it sends ``AuthorPrompt``,
/// samples with the brief's seed, and adopts the fenced text of the reply.
///
/// A reply cut off by the token limit is not adopted: half a strategy fails for reasons that
/// have nothing to do with its idea, and would mislead every later brief that shows it.
public struct ModelStrategyAuthor: StrategyAuthor {
    /// Recorded as the generator of every candidate it writes.
    public let name: String
    /// The author model (provider, id, temperature, max tokens); the seed is set per brief.
    public let model: ModelSpec
    /// Longest rationale kept, in characters.
    public static let rationaleLength = 240

    public init(model: ModelSpec, name: String = "author") {
        self.model = model
        self.name = name
    }

    /// Sends the brief's prompt and adopts the fenced text of the reply.
    public func write(_ brief: AuthorBrief, model client: any ModelClient) async throws -> AuthoredText? {
        var spec = model
        // Servers take a signed 32-bit seed; the low bits of the derived seed keep children apart.
        spec.seed = Int(brief.seed & 0x7FFF_FFFF)
        let response = try await client.complete(ChatRequest(model: spec, messages: [.user(AuthorPrompt.build(brief))]))
        guard !response.wasTruncated else { return nil }
        return Self.parse(response.text)
    }

    /// Splits a reply into its rationale line and its (fenced) text; nil when there is no text.
    public static func parse(_ reply: String) -> AuthoredText? {
        var rationale = ""
        var rest: [Substring] = []
        for line in reply.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if rationale.isEmpty, trimmed.lowercased().hasPrefix("rationale:") {
                rationale = String(trimmed.dropFirst("rationale:".count)).trimmingCharacters(in: .whitespaces)
            } else {
                rest.append(line)
            }
        }
        guard let text = FencedReply.extract(rest.joined(separator: "\n")) else { return nil }
        return AuthoredText(text: text, rationale: String(rationale.prefix(rationaleLength)))
    }
}
