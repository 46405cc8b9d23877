import ImproveCore

/// The prompt that asks an author model for a new version of one component.
///
/// Short and concrete on purpose: the embedded default is a 135M-parameter model, which
/// follows a few plain sentences and a worked contrast (expected versus its own answer) far
/// better than a long brief.
public enum AuthorPrompt {
    /// How many rejected attempts of the component are shown (the most recent ones).
    public static let rejectedShown = 4
    /// Longest excerpt of any field, answer or rejected text, in characters.
    public static let excerptLength = 300

    /// The prompt for `brief`.
    public static func build(_ brief: AuthorBrief) -> String {
        let what = brief.component == "strategy"
            ? "the strategy an AI assistant follows: short instructions for how to approach its task"
            : "the \"\(brief.component)\" text of an AI assistant's configuration"
        var out = "You write \(what).\n\nCurrent text (it scores \(Int((brief.parentScore * 100).rounded()))% on practice tasks):\n```\n\(brief.current)\n```\n"
        if brief.losses.isEmpty {
            out += "\nIt got every practice task right; make it shorter and clearer without changing what it asks for.\n"
        } else {
            out += "\nTasks it got wrong:\n"
            for loss in brief.losses {
                for (name, value) in loss.fields.sorted(by: { $0.key < $1.key }) {
                    out += "\(name == "input" ? "Input" : "Input \(name)"): \(excerpt(value))\n"
                }
                if let expected = loss.expected { out += "Expected answer: \(excerpt(expected))\n" }
                out += "Its answer: \(excerpt(loss.output))\n"
                if !loss.feedback.isEmpty { out += "Why it failed: \(excerpt(loss.feedback))\n" }
                out += "\n"
            }
        }
        let rejected = brief.rejected.filter { $0.component == brief.component }.suffix(rejectedShown)
        if !rejected.isEmpty {
            out += "\nThese versions were already tried and did not help; write something different:\n"
            for edit in rejected { out += "```\n\(excerpt(edit.text))\n```\n" }
        }
        let placeholders = Template.placeholders(in: brief.current)
        if !placeholders.isEmpty {
            out += "\nKeep the placeholders \(placeholders.map { "{{\($0)}}" }.joined(separator: ", ")) exactly as written.\n"
        }
        out += "\nWrite a better version that avoids these mistakes: short instructions addressed to the assistant, such as \"Do ...\" or \"Answer with ...\". "
        out += "Reply with one line starting with \"Rationale:\", then the new text inside ``` fences.\n"
        return out
    }

    static func excerpt(_ text: String) -> String {
        text.count <= excerptLength ? text : String(text.prefix(excerptLength)) + " […]"
    }
}
