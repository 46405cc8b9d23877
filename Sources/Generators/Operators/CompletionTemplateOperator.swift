import ImproveCore

/// Rewrites the user template into completion style: the input under a field name and an
/// answer cue the model completes ("Text: {{input}}\nSentiment:").
///
/// A small instruction model answers a cue line with the label far more often than it
/// answers a bare input (DESIGN §10: 0.26 → 0.60). The cue word is derived from the task
/// itself — the noun the system prompt asks for, else "Answer"/"Label" — never hard-coded
/// to one suite.
public struct CompletionTemplateOperator: CandidateGenerator {
    public let name = "completion-template"
    public static let component = "userTemplate"

    public init() {}

    /// The templates tried for a parent, best first.
    static func variants(template: String, systemPrompt: String, labels: LabelSet?) -> [String] {
        let fields = Template.placeholders(in: template)
        guard !fields.isEmpty else { return [] }
        func body(_ inputName: String) -> String {
            fields.map { field in
                let title = field == "input" ? inputName : field.prefix(1).uppercased() + field.dropFirst()
                return "\(title): {{\(field)}}"
            }.joined(separator: "\n")
        }
        var cues: [String] = []
        if let noun = taskNoun(in: systemPrompt) { cues.append(noun) }
        cues += ["Answer", "Label"]
        var result: [String] = []
        for cue in cues { result.append("\(body("Text"))\n\(cue):") }
        result.append("\(body("Input"))\nAnswer:")
        if let labels { result.append("\(body("Text"))\nAnswer (\(labels.alternatives)):") }
        var unique: [String] = []
        for variant in result where !unique.contains(variant) { unique.append(variant) }
        return unique
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        guard let template = context.parent.candidate.components[Self.component] else {
            return .exhausted(reason: "the surface has no \(Self.component) component")
        }
        let system = context.parent.candidate.components["systemPrompt"] ?? ""
        let variants = Self.variants(template: template, systemPrompt: system, labels: LabelSet(context.search))
        guard !variants.isEmpty else { return .exhausted(reason: "the user template has no placeholder to keep") }
        if variants.contains(template) { return .nothing(reason: "the parent already uses a completion-style template") }
        for variant in variants {
            let child = context.child(setting: Self.component, to: variant, generator: name, rationale: "completion-style user template ending in an answer cue")
            if context.isNew(child.components) { return .candidates([child]) }
        }
        return .nothing(reason: "every completion template was already tried on this parent")
    }
}
