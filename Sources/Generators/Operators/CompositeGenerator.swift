import ImproveCore

/// Mixes generators with seeded weights: each proposal asks the members in a weighted
/// random order (drawn from the run's generator stream) and returns the first that
/// proposes something.
///
/// A member with nothing new to offer costs nothing but a function call, so cheap
/// operators (format, template, prune, demonstrations) and an expensive reflective model
/// can share one loop. The composite is exhausted only when every member is.
public struct CompositeGenerator: CandidateGenerator {
    public let name = "composite"
    public let members: [(generator: any CandidateGenerator, weight: Double)]

    public init(_ members: [(generator: any CandidateGenerator, weight: Double)]) {
        self.members = members.filter { $0.weight > 0 }
    }

    /// Reflection plus every model-free operator, weighted so the operators are tried often
    /// early on and reflection still gets a fair share.
    public static func standard(reflectionModel: ModelSpec) -> CompositeGenerator {
        CompositeGenerator([
            (ReflectiveGenerator(model: reflectionModel), 2),
            (FormatConstraintOperator(), 2),
            (CompletionTemplateOperator(), 2),
            // Both edits at once: on hard tasks each alone ties at 0 (see StackedOperators).
            (StackedOperators(), 2),
            // The labels asked about after the input (see QuestionTemplateOperator), alone and
            // with the format constraint.
            (QuestionTemplateOperator(), 2),
            (StackedOperators([FormatConstraintOperator(), QuestionTemplateOperator()]), 1.5),
            (DemonstrationGenerator(), 1.5),
            (MergeGenerator(), 1),
            (PruneOperator(), 0.5),
        ])
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        var remaining = Array(members.indices)
        var idle: [String] = []
        var exhausted: [String] = []
        while let pick = rng.weightedIndex(remaining.map { members[$0].weight }) {
            let member = members[remaining.remove(at: pick)].generator
            switch try await member.propose(context, model: model, rng: &rng) {
            case .candidates(let children) where !children.isEmpty:
                return .candidates(children)
            case .candidates:
                idle.append("\(member.name): no candidates")
            case .nothing(let reason):
                idle.append("\(member.name): \(reason)")
            case .exhausted(let reason):
                exhausted.append("\(member.name): \(reason)")
            }
        }
        if idle.isEmpty {
            return .exhausted(reason: exhausted.isEmpty ? "no generators" : exhausted.joined(separator: "; "))
        }
        return .nothing(reason: (idle + exhausted).joined(separator: "; "))
    }
}
