import ImproveCore

/// `prompt-evolution`, the prompt surface's default: reflection plus the model-free operators
/// (``CompositeGenerator/standard(reflectionModel:)``).
public struct PromptEvolutionGeneratorKind: GeneratorKind {
    /// Creates the kind.
    public init() {}
    /// `prompt-evolution`.
    public var name: String { "prompt-evolution" }
    /// The prompt.
    public var surfaces: Set<SurfaceKind> { [.prompt] }
    /// The prompt's default.
    public var defaultFor: Set<SurfaceKind> { [.prompt] }
    /// Reflects.
    public var usesReflection: Bool { true }
    /// The standard mix.
    public func make(_ request: GeneratorRequest) throws -> any CandidateGenerator {
        CompositeGenerator.standard(reflectionModel: request.reflectionModel)
    }
}

/// `operators`: the model-free prompt edits alone (the two-edit stack, format constraint,
/// completion template, question template, prune).
public struct OperatorsGeneratorKind: GeneratorKind {
    /// Creates the kind.
    public init() {}
    /// `operators`.
    public var name: String { "operators" }
    /// The prompt.
    public var surfaces: Set<SurfaceKind> { [.prompt] }
    /// The stack most often: from a seed that names no label, each single edit ties at 0.
    public func make(_ request: GeneratorRequest) throws -> any CandidateGenerator {
        CompositeGenerator([
            (StackedOperators(), 4), (FormatConstraintOperator(), 2), (CompletionTemplateOperator(), 2),
            (QuestionTemplateOperator(), 2), (PruneOperator(), 1),
        ])
    }
}

/// `demonstrations`: adds worked examples drawn from the search split (``DemonstrationGenerator``).
public struct DemonstrationsGeneratorKind: GeneratorKind {
    /// Creates the kind.
    public init() {}
    /// `demonstrations`.
    public var name: String { "demonstrations" }
    /// The prompt.
    public var surfaces: Set<SurfaceKind> { [.prompt] }
    /// A ``DemonstrationGenerator``.
    public func make(_ request: GeneratorRequest) throws -> any CandidateGenerator {
        DemonstrationGenerator()
    }
}
