import ImproveCore

/// Appends an output-format constraint built from the suite's own label set to the system
/// prompt ("Answer with exactly one word: positive or negative.").
///
/// Small models often answer a classification with a paragraph that a label scorer cannot
/// read; naming the allowed answers is the single edit that helps them most (DESIGN §10),
/// and it needs no reflection model to write it.
public struct FormatConstraintOperator: CandidateGenerator {
    public let name = "format-constraint"
    public static let component = "systemPrompt"

    public init() {}

    /// The constraint sentences tried, best first.
    static func variants(for labels: LabelSet) -> [String] {
        let list = labels.labels.joined(separator: ", ")
        var result: [String] = []
        if labels.singleWords {
            result.append("Answer with exactly one word: \(labels.alternatives).")
        }
        result.append("Reply with only the label (\(labels.alternatives)) and nothing else.")
        result.append("Output exactly one of these labels and nothing else: \(list).")
        result.append("Your whole answer must be one of: \(list).")
        return result
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        guard let current = context.parent.candidate.components[Self.component] else {
            return .exhausted(reason: "the surface has no \(Self.component) component")
        }
        guard let labels = LabelSet(context.search) else {
            return .exhausted(reason: "the search items have no small label set to constrain answers to")
        }
        let variants = Self.variants(for: labels)
        if variants.contains(where: { current.contains($0) }) {
            return .nothing(reason: "the parent already states the output format")
        }
        for variant in variants {
            let child = context.child(setting: Self.component, to: appending(variant, to: current), generator: name, rationale: "constrain the answer to the label set: \(variant)")
            if context.isNew(child.components) { return .candidates([child]) }
        }
        return .nothing(reason: "every format constraint was already tried on this parent")
    }
}
