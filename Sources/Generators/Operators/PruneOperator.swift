import ImproveCore

/// Removes one sentence from a component: text that distracts a small model can cost more
/// than it adds, and only a measurement shows which sentence that is.
public struct PruneOperator: CandidateGenerator {
    public let name = "prune"

    public init() {}

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        // Prefer the component the engine asked for; fall back to the system prompt.
        let order = [context.component, "systemPrompt"]
        for component in order {
            guard let text = context.parent.candidate.components[component] else { continue }
            // Worked examples are the demonstration generator's to add and drop.
            let block = DemonstrationBlock(parsing: text)
            let parts = sentences(of: block.instructions)
            guard parts.count >= 2 else { continue }
            // Sentences holding a placeholder carry the input; removing them breaks the template.
            let removable = parts.indices.filter { !parts[$0].contains("{{") }
            for index in rng.shuffled(removable) {
                var kept = parts
                let removed = kept.remove(at: index)
                var pruned = block
                pruned.instructions = kept.joined(separator: " ")
                let child = context.child(setting: component, to: pruned.text, generator: name, rationale: "remove the sentence \"\(removed)\" from \(component)")
                if context.isNew(child.components) { return .candidates([child]) }
            }
        }
        return .nothing(reason: "no component of the parent has a sentence left to try removing")
    }
}
