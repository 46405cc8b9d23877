import Generators
import ImproveCore

/// The generators `improve` knows by name, and each surface's default: the built-in
/// ``GeneratorRegistry`` seen from the `Improve` module. A run with other generators passes
/// its own registry in ``ImproveOptions/generators``.
public enum GeneratorCatalog {
    /// Names accepted by `--generator`, besides `external:<command>`.
    public static var names: [String] { GeneratorRegistry.builtIn.kinds.filter { !($0 is ExternalGeneratorKind) }.map(\.name) }

    /// The prefix of an external generator: `external:<shell command>` runs the command and
    /// speaks the JSON-lines protocol of ``ExternalGenerator`` with it.
    public static let externalPrefix = ExternalGeneratorKind.prefix

    /// What `--help` lists: the names and the external form.
    public static var choices: [String] { GeneratorRegistry.builtIn.choices }

    /// The default generator of a surface, or a typed error when the surface has no safe default.
    /// (Artifacts run through autoresearch, `improveArtifact`, not the candidate search.)
    public static func defaultName(for surface: SurfaceKind) throws -> String {
        try GeneratorRegistry.builtIn.defaultName(for: surface)
    }

    /// Builds the named generator for a surface; `profile` supplies what a generator reads
    /// from it (the skills the skill optimiser may patch).
    public static func make(_ name: String, surface: SurfaceKind, reflectionModel: ModelSpec, profile: AgentProfile) throws -> any CandidateGenerator {
        try GeneratorRegistry.builtIn.make(GeneratorRequest(name: name, surface: surface, reflectionModel: reflectionModel, profile: profile))
    }

    /// The shell command of an `external:<command>` name, or nil for a built-in name.
    public static func externalCommand(_ name: String) -> String? {
        ExternalGeneratorKind.command(name)
    }

    /// Whether the named generator calls the reflection model (its role must then be allowed).
    /// An external generator makes its own model calls, outside this process and its guard.
    public static func usesReflection(_ name: String) -> Bool {
        GeneratorRegistry.builtIn.usesReflection(name)
    }

    /// The surface that reads and writes the components of `kind`.
    public static func surface(_ kind: SurfaceKind) -> any Surface {
        switch kind {
        case .prompt: return PromptSurface()
        case .skills: return SkillsSurface()
        case .strategy, .artifact: return StrategySurface()
        }
    }
}
