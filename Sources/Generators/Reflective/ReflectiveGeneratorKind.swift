import ImproveCore

/// `reflective`: the reflection model rewrites one component from the failures it is shown
/// (``ReflectiveGenerator``).
public struct ReflectiveGeneratorKind: GeneratorKind {
    /// Creates the kind.
    public init() {}
    /// `reflective`.
    public var name: String { "reflective" }
    /// The prompt and the strategy.
    public var surfaces: Set<SurfaceKind> { [.prompt, .strategy] }
    /// Reflects.
    public var usesReflection: Bool { true }
    /// A ``ReflectiveGenerator`` on the reflection model.
    public func make(_ request: GeneratorRequest) throws -> any CandidateGenerator {
        ReflectiveGenerator(model: request.reflectionModel)
    }
}
