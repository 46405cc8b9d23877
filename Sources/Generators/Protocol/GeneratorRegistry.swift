import ImproveCore

/// The generators a run may name, looked up by `--generator`.
///
/// ``builtIn`` is the one list of the generators `improve` ships; a library user extends it
/// with `GeneratorRegistry.builtIn + [MyGeneratorKind()]` and passes it in the run's options.
/// There is no global registration.
public struct GeneratorRegistry: Sendable {
    /// The kinds, in the order help and errors list them.
    public let kinds: [any GeneratorKind]

    /// The generators `improve` ships. Adding a generator: one file, one line here.
    public static let builtIn = GeneratorRegistry([
        PromptEvolutionGeneratorKind(),
        ReflectiveGeneratorKind(),
        OperatorsGeneratorKind(),
        DemonstrationsGeneratorKind(),
        SkillOptimizerGeneratorKind(),
        ExternalGeneratorKind(),
    ])

    /// A registry of `kinds`; a later kind with the same name replaces an earlier one.
    public init(_ kinds: [any GeneratorKind]) {
        self.kinds = kinds.replacingEarlier { $0.name }
    }

    /// What help lists: every kind's name.
    public var choices: [String] { kinds.map(\.name) }

    /// The kind that answers to `name`, or nil.
    public func kind(_ name: String) -> (any GeneratorKind)? {
        kinds.first { $0.accepts(name) }
    }

    /// The default generator of a surface, or a typed error when the surface has no safe default.
    public func defaultName(for surface: SurfaceKind) throws -> String {
        guard let kind = kinds.first(where: { $0.defaultFor.contains(surface) }) else {
            throw SurfaceError.noDefaultGenerator(surface: surface, available: choices)
        }
        return kind.name
    }

    /// Builds the named generator for a surface.
    /// - Throws: `SurfaceError` when the name is unknown, does not fit the surface, or the
    ///   profile lacks what the generator needs.
    public func make(_ request: GeneratorRequest) throws -> any CandidateGenerator {
        guard let kind = kind(request.name) else { throw SurfaceError.unknownGenerator(request.name, available: choices) }
        guard kind.surfaces.contains(request.surface) else {
            throw SurfaceError.generatorDoesNotFit(generator: request.name, surface: request.surface)
        }
        return try kind.make(request)
    }

    /// Whether the named generator calls the reflection model (its role must then be allowed).
    public func usesReflection(_ name: String) -> Bool {
        kind(name)?.usesReflection ?? false
    }

    /// This registry with `extra` kinds added (replacing built-ins of the same name).
    public static func + (registry: GeneratorRegistry, extra: [any GeneratorKind]) -> GeneratorRegistry {
        GeneratorRegistry(registry.kinds + extra)
    }
}
