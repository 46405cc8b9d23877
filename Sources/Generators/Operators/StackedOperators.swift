import ImproveCore

/// Applies several model-free operators to the parent in one child, each on top of the
/// previous one's edit, so a gain that needs two components changed together is one
/// proposal away.
///
/// Acceptance is strict (a child must beat its parent on a minibatch), so when a small
/// model only answers with a label once it is both told the labels (system prompt) and
/// cued to answer (user template), each single edit ties its parent at 0 and is rejected,
/// and a merge never gets the two accepted halves it needs. That is the AG News failure
/// of issue 10: the hand-made prompt built from exactly these two edits scored ~0.20 on
/// unseen items while every single-edit child scored 0. The stack is proposed only when
/// at least two components change; a single change is the member operator's own job.
public struct StackedOperators: CandidateGenerator {
    public let name = "operator-stack"
    public let members: [any CandidateGenerator]

    public init(_ members: [any CandidateGenerator] = [FormatConstraintOperator(), CompletionTemplateOperator()]) {
        self.members = members
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        // Members see a context without the run's memory: each would otherwise skip its
        // best edit once that edit was tried (and tied at 0) alone, and the combination,
        // which is what is new here, would never be proposed.
        var current = context
        current.rejected = []
        current.seenCandidateIDs = []
        var rationales: [String] = []
        var exhausted = 0
        for member in members {
            switch try await member.propose(current, model: model, rng: &rng) {
            case .candidates(let children):
                guard let child = children.first else { continue }
                rationales.append("\(member.name): \(child.rationale)")
                current.parent = ScoredCandidate(candidate: child, results: [:])
            case .nothing:
                continue
            case .exhausted:
                exhausted += 1
            }
        }
        if exhausted == members.count { return .exhausted(reason: "no member operator applies to this surface or suite") }
        let components = current.parent.candidate.components
        guard changedComponents(current.parent.candidate, from: context.parent.candidate).count >= 2 else {
            return .nothing(reason: "fewer than two components would change; the single operators cover that")
        }
        let id = Candidate(components: components, generator: name).id
        guard !context.seenCandidateIDs.contains(id) else { return .nothing(reason: "this stack was already tried on this parent") }
        return .candidates([Candidate(components: components, parents: [context.parent.id], generator: name, rationale: rationales.joined(separator: "; "))])
    }
}
