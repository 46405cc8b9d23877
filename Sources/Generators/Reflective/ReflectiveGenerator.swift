import ImproveCore

/// GEPA's reflective mutation: shows a model the parent's component, the minibatch inputs,
/// outputs, expected values and feedback, plus the edits already rejected for that
/// component, and adopts the fenced text it writes back.
///
/// A reply cut off by the token limit is never adopted: half an instruction scores badly
/// for reasons that have nothing to do with its idea, and would poison the rejected list.
public struct ReflectiveGenerator: CandidateGenerator {
    public let name: String
    /// The reflection model (provider, id, temperature, max tokens).
    public let model: ModelSpec

    public init(model: ModelSpec, name: String = "reflective") {
        self.model = model
        self.name = name
    }

    public func propose(_ context: ProposalContext, model client: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        guard context.parent.candidate.components[context.component] != nil else {
            return .nothing(reason: "the parent has no component \(context.component)")
        }
        let prompt = ReflectionPrompt.build(for: context)
        let response: ChatResponse
        do {
            response = try await client.complete(ChatRequest(model: model, messages: [.user(prompt)]))
        } catch let error as ModelError {
            // A request the provider refuses as malformed — most often a prompt over a small
            // model's context window, when the minibatch carries long dialogue transcripts —
            // says nothing about the parent. It is one failed proposal; the next iteration draws
            // another minibatch. Every other error (policy, credentials, a provider that is down)
            // still ends the run.
            guard case .badRequest(_, let status, let detail) = error else { throw error }
            return .nothing(reason: "the provider refused the reflection request (HTTP \(status): \(detail.prefix(200)))")
        }
        if response.wasTruncated {
            return .nothing(reason: "the reflection reply was cut off (finish reason \(response.finishReason)); not adopted")
        }
        guard let text = FencedReply.extract(response.text) else {
            return .nothing(reason: "the reflection reply held no text")
        }
        return .candidates([context.child(setting: context.component, to: text, generator: name, rationale: "rewrote \(context.component) from \(context.minibatch.count) minibatch results")])
    }
}
