import ImproveCore

/// What a ``GeneratorKind`` gets to build its generator for one run.
public struct GeneratorRequest: Sendable {
    /// The name as the user wrote it (`--generator`), e.g. `external:python3 gen.py`.
    public var name: String
    /// The surface the run changes.
    public var surface: SurfaceKind
    /// The reflection role's model (policy `roles.reflection`, else the task model).
    public var reflectionModel: ModelSpec
    /// The profile being improved (a generator may read its skills, its template).
    public var profile: AgentProfile

    /// A request for `name` on `surface`.
    public init(name: String, surface: SurfaceKind, reflectionModel: ModelSpec, profile: AgentProfile) {
        self.name = name
        self.surface = surface
        self.reflectionModel = reflectionModel
        self.profile = profile
    }
}

/// One `--generator` choice: its name, the surfaces it fits, whether it calls the reflection
/// model, and how it is built — everything `improve` needs to know about it, in one place.
///
/// To add a generator, write one file with a type conforming to `GeneratorKind` (and its
/// ``CandidateGenerator``), then add it to ``GeneratorRegistry/builtIn`` — or, from outside
/// the package, pass `GeneratorRegistry.builtIn + [MyGeneratorKind()]` in the run's options.
public protocol GeneratorKind: Sendable {
    /// The name `--generator` selects it by, as listed in help and errors.
    var name: String { get }
    /// The surfaces it can change; naming it for another surface is a typed error.
    var surfaces: Set<SurfaceKind> { get }
    /// The surfaces it is the default generator of (when `--generator` is not given).
    var defaultFor: Set<SurfaceKind> { get }
    /// True when it calls the reflection model, so the `reflection` role must be allowed.
    var usesReflection: Bool { get }
    /// True when this kind answers to `requested` (by default: the same name).
    func accepts(_ requested: String) -> Bool
    /// The generator for a run.
    /// - Throws: `SurfaceError` when the profile lacks what it needs.
    func make(_ request: GeneratorRequest) throws -> any CandidateGenerator
}

extension GeneratorKind {
    /// Not a default.
    public var defaultFor: Set<SurfaceKind> { [] }
    /// Model-free.
    public var usesReflection: Bool { false }
    /// Answers to its own name.
    public func accepts(_ requested: String) -> Bool { requested == name }
}
