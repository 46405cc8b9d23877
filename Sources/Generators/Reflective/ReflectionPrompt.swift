import ImproveCore

/// Builds the prompt that asks a model to rewrite one component from minibatch evidence.
public enum ReflectionPrompt {
    /// How many rejected edits of the component are shown (the most recent ones).
    public static let rejectedShown = 5
    /// Longest excerpt of any single field, output or rejected text, in characters.
    public static let excerptLength = 600

    public static func build(for context: ProposalContext) -> String {
        let component = context.component
        let current = context.parent.candidate.components[component] ?? ""
        var out = "You are improving one part of an AI assistant's configuration: the component \"\(component)\".\n"
        out += "Its current text is:\n```\n\(current)\n```\n\n"
        out += "Here is how the assistant did on some tasks with this text.\n"
        for (index, result) in context.minibatch.enumerated() {
            out += "\n# Example \(index + 1)\n"
            if let item = context.item(id: result.itemID) {
                for (name, value) in item.fields.sorted(by: { $0.key < $1.key }) {
                    out += "Input \(name): \(excerpt(value))\n"
                }
                if let expected = item.expected { out += "Expected: \(excerpt(expected))\n" }
            }
            out += "Assistant's output: \(excerpt(result.trace?.output ?? "(no output recorded)"))\n"
            out += "Score: \(result.score)\n"
            if let error = result.error { out += "Error: \(excerpt(error))\n" }
            if !result.feedback.isEmpty { out += "Feedback: \(excerpt(result.feedback))\n" }
        }
        let rejected = context.rejected.filter { $0.component == component }.suffix(rejectedShown)
        if !rejected.isEmpty {
            out += "\nThese rewrites were already tried and did not help. Do not propose them again:\n"
            for edit in rejected {
                out += "```\n\(excerpt(edit.text))\n```\n(\(edit.reason))\n"
            }
        }
        out += "\nRead the examples, work out what the assistant gets wrong and why, and write an improved "
        out += "text for \"\(component)\" that fixes it while keeping what already works."
        let placeholders = Template.placeholders(in: current)
        if !placeholders.isEmpty {
            out += " Keep the placeholders \(placeholders.map { "{{\($0)}}" }.joined(separator: ", ")) exactly as written."
        }
        out += " Reply with the new text only, inside ``` fences.\n"
        return out
    }

    static func excerpt(_ text: String) -> String {
        text.count <= excerptLength ? text : String(text.prefix(excerptLength)) + " […]"
    }
}
