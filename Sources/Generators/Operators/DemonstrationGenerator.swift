import ImproveCore

/// Adds, swaps or drops one worked example (input and its label, from the search split's
/// feedback pool) in the system prompt — demonstration search in the spirit of DSPy's
/// BootstrapFewShot, where the labels are ground truth instead of bootstrapped traces.
///
/// Examples are balanced across labels (a new example takes the least represented label)
/// because a one-sided set teaches a small model to always answer that label. Items of
/// the current minibatch are never used, so a child cannot win acceptance by having the
/// answers to the very items it is judged on.
public struct DemonstrationGenerator: CandidateGenerator {
    public let name = "demonstrations"
    public static let component = "systemPrompt"
    public let maxDemos: Int
    public let maxInputLength: Int

    public init(maxDemos: Int = 4, maxInputLength: Int = 300) {
        self.maxDemos = max(1, maxDemos)
        self.maxInputLength = maxInputLength
    }

    private enum Edit: CaseIterable { case add, swap, drop }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        guard let current = context.parent.candidate.components[Self.component] else {
            return .exhausted(reason: "the surface has no \(Self.component) component")
        }
        let minibatch = Set(context.minibatch.map(\.itemID))
        let labelled = context.search.items.filter { $0.expected != nil && !minibatch.contains($0.id) }
        guard !labelled.isEmpty else { return .exhausted(reason: "the search split has no labelled items to show as examples") }
        let template = context.parent.candidate.components["userTemplate"] ?? "{{input}}"
        let block = DemonstrationBlock(parsing: current)
        func render(_ item: EvalItem) -> String {
            DemonstrationBlock.render(item, label: item.expected ?? "", template: template, maxInput: maxInputLength)
        }
        let shown = Set(block.demos)
        let unused = labelled.filter { !shown.contains(render($0)) }

        var edits: [Edit]
        if block.demos.isEmpty { edits = [.add] }
        else if block.demos.count >= maxDemos { edits = rng.shuffled([.swap, .drop]) }
        else { edits = rng.shuffled(Edit.allCases) }
        // Whatever was drawn first, fall back to the other edits before giving up.
        for edit in Edit.allCases where !edits.contains(edit) && (edit != .add || block.demos.count < maxDemos) { edits.append(edit) }

        for edit in edits {
            for (demos, rationale) in options(edit, block: block, unused: unused, parent: context.parent, labels: context.search.labels, render: render, rng: &rng) {
                var next = block
                next.demos = demos
                let child = context.child(setting: Self.component, to: next.text, generator: name, rationale: rationale)
                if context.isNew(child.components) { return .candidates([child]) }
            }
        }
        return .nothing(reason: "no new set of examples to try on this parent")
    }

    /// Candidate example lists for one kind of edit, most promising first.
    private func options(_ edit: Edit, block: DemonstrationBlock, unused: [EvalItem], parent: ScoredCandidate, labels: [String], render: (EvalItem) -> String, rng: inout SeededRandom) -> [([String], String)] {
        switch edit {
        case .add:
            guard block.demos.count < maxDemos else { return [] }
            let counts = Dictionary(grouping: block.demos.map { labelOf($0, labels: labels) }, by: { $0 }).mapValues(\.count)
            // Within the least represented label, an item the parent got wrong comes first: its
            // example teaches what the prompt lacks (a fact, a format), while one the parent
            // already answers teaches nothing. On a suite whose expected values are all
            // different (facts, not labels) this is what finds the item carrying a missing fact.
            let ordered = rng.shuffled(unused).sorted {
                let (left, right) = (counts[$0.expected ?? "", default: 0], counts[$1.expected ?? "", default: 0])
                return left != right ? left < right : Self.need(parent, $0) > Self.need(parent, $1)
            }
            return ordered.prefix(8).map { (block.demos + [render($0)], "add a worked example labelled \($0.expected ?? "")") }
        case .drop:
            return rng.shuffled(Array(block.demos.indices)).map { index in
                var demos = block.demos
                demos.remove(at: index)
                return (demos, "drop the example \"\(block.demos[index].prefix(60))\"")
            }
        case .swap:
            guard !block.demos.isEmpty else { return [] }
            let index = rng.index(below: block.demos.count)
            let label = labelOf(block.demos[index], labels: labels)
            let sameLabel = unused.filter { $0.expected == label }
            return rng.shuffled(sameLabel).prefix(8).map { item in
                var demos = block.demos
                demos[index] = render(item)
                return (demos, "swap example \(index + 1) for another labelled \(label)")
            }
        }
    }

    /// How much the parent needs an example of `item`: 2 when it scored below 1 there, 1 when
    /// it was not scored there yet, 0 when it already answers it. An item whose rollout failed
    /// for infrastructure reasons says nothing about the prompt, so it counts as not scored.
    private static func need(_ parent: ScoredCandidate, _ item: EvalItem) -> Int {
        guard let result = parent.results[item.id], result.error == nil else { return 1 }
        return result.score < 1 ? 2 : 0
    }

    /// The label a rendered example ends with: the longest known label it ends with.
    private func labelOf(_ demo: String, labels: [String]) -> String {
        labels.filter { demo.hasSuffix($0) }.max { $0.count < $1.count } ?? ""
    }
}
