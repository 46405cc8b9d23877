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
        let response = try await client.complete(ChatRequest(model: model, messages: [.user(prompt)]))
        if response.wasTruncated {
            return .nothing(reason: "the reflection reply was cut off (finish reason \(response.finishReason)); not adopted")
        }
        guard let text = FencedReply.extract(response.text) else {
            return .nothing(reason: "the reflection reply held no text")
        }
        return .candidates([context.child(setting: context.component, to: text, generator: name, rationale: "rewrote \(context.component) from \(context.minibatch.count) minibatch results")])
    }
}
