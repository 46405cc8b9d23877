import ImproveCore

/// Applies several model-free operators to the parent in one child, one edit from each, so
/// a gain that needs two components changed together is one proposal away.
///
/// Acceptance is strict (a child must beat its parent on a minibatch), so when a small
/// model only answers with a label once it is both told the labels (system prompt) and
/// cued to answer (user template), each single edit ties its parent at 0 and is rejected,
/// and a merge never gets the two accepted halves it needs. That is the AG News failure
/// of issue 10. Each member's edits are listed best first; combinations are tried in order
/// of the sum of their ranks, so the first stack is every member's best edit and later
/// calls walk outwards through the pairs not yet proposed. A stack is proposed only when
/// every member changes a different component; a single change is the member's own job.
public struct StackedOperators: CandidateGenerator {
    public let name = "operator-stack"
    /// The operators stacked, each expected to edit its own component.
    public let members: [any CandidateGenerator]
    /// Edits listed per member (the operators have a handful each).
    static let editsPerMember = 6

    /// By default the label-set format constraint (system prompt) and the completion-style
    /// template (user template).
    public init(_ members: [any CandidateGenerator] = [FormatConstraintOperator(), CompletionTemplateOperator()]) {
        self.members = members
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        var edits: [[Candidate]] = []
        for member in members {
            let found = try await options(of: member, for: context, model: model, rng: &rng)
            edits.append(Self.labelsFirst(found, parent: context.parent.candidate, labels: LabelSet(context.search)?.labels ?? []))
        }
        let usable = edits.filter { !$0.isEmpty }
        guard usable.count >= 2 else {
            return .nothing(reason: "fewer than two operators have an edit for this parent; the single operators cover that")
        }
        for ranks in Self.rankCombinations(usable.map(\.count)) {
            let picked = zip(usable, ranks).map { $0[$1] }
            var components = context.parent.candidate.components
            var changed = Set<String>()
            var clash = false
            for edit in picked {
                for name in changedComponents(edit, from: context.parent.candidate) {
                    if !changed.insert(name).inserted { clash = true }
                    components[name] = edit.components[name]
                }
            }
            let id = Candidate(components: components, generator: name).id
            guard !clash, !context.seenCandidateIDs.contains(id) else { continue }
            let rationale = picked.map { "\($0.generator): \($0.rationale)" }.joined(separator: "; ")
            return .candidates([Candidate(components: components, parents: [context.parent.id], generator: name, rationale: rationale)])
        }
        return .nothing(reason: "every stack of these operators' edits was already tried on this parent")
    }

    /// A member's edits of the parent, best first. The member sees a context without the
    /// run's memory (it would otherwise skip its best edit once that edit was tried, and
    /// tied at 0, alone) and is asked again with each edit it gave marked as seen.
    private func options(of member: any CandidateGenerator, for context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> [Candidate] {
        var asked = context
        asked.rejected = []
        asked.seenCandidateIDs = [context.parent.id]
        var found: [Candidate] = []
        while found.count < Self.editsPerMember {
            guard case .candidates(let children) = try await member.propose(asked, model: model, rng: &rng), let child = children.first,
                  !found.contains(where: { $0.id == child.id }) else { break }
            found.append(child)
            asked.seenCandidateIDs.insert(child.id)
        }
        return found
    }

    /// The edits whose changed text names every label first, otherwise in the member's order.
    ///
    /// Measured on Profiles/news-topic (SmolLM2-135M, 12–16 items per prompt, a rough signal):
    /// the seed plus the format constraint with the cue "Answer (Business, Sci/Tech, Sports or
    /// World):" scored 0.19, while the same constraint with a plain "Answer:" cue scored 0,
    /// the labelled cue alone 0, and the second format sentence with "Answer:" 0. A stack
    /// exists to make the model answer with a label, so the edits that put the labels in
    /// front of it are tried first. Only for more than two labels: on Profiles/sentiment
    /// (16 search items) the format constraint with the task-noun cue "Sentiment:" scored
    /// 0.50 and with the labelled cue 0.38, so a two-label task keeps the member's order.
    static func labelsFirst(_ edits: [Candidate], parent: Candidate, labels: [String]) -> [Candidate] {
        guard labels.count > 2 else { return edits }
        func namesLabels(_ edit: Candidate) -> Bool {
            let text = changedComponents(edit, from: parent).compactMap { edit.components[$0] }.joined(separator: "\n")
            return labels.allSatisfy { text.contains($0) }
        }
        return edits.filter(namesLabels) + edits.filter { !namesLabels($0) }
    }

    /// Every choice of one rank per list (list sizes `counts`), ordered by the sum of ranks,
    /// then lexicographically: (0,0), (0,1), (1,0), (0,2), (1,1), ...
    static func rankCombinations(_ counts: [Int]) -> [[Int]] {
        var all: [[Int]] = [[]]
        for count in counts {
            all = all.flatMap { prefix in (0..<count).map { prefix + [$0] } }
        }
        return all.sorted { a, b in
            let (sa, sb) = (a.reduce(0, +), b.reduce(0, +))
            return sa != sb ? sa < sb : a.lexicographicallyPrecedes(b)
        }
    }
}
