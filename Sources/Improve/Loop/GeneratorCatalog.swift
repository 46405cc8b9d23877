import Generators
import ImproveCore

/// The generators `improve` knows by name, and each surface's default.
public enum GeneratorCatalog {
    /// Names accepted by `--generator`.
    public static let names = ["prompt-evolution", "reflective", "operators", "demonstrations"]

    /// The default generator of a surface, or a typed error when the surface has no safe default.
    public static func defaultName(for surface: SurfaceKind) throws -> String {
        switch surface {
        case .prompt: return "prompt-evolution"
        case .strategy, .skills, .artifact:
            throw SurfaceError.noDefaultGenerator(surface: surface, available: names)
        }
    }

    /// Builds the named generator for a surface.
    public static func make(_ name: String, surface: SurfaceKind, reflectionModel: ModelSpec) throws -> any CandidateGenerator {
        switch (name, surface) {
        case ("prompt-evolution", .prompt):
            return CompositeGenerator.standard(reflectionModel: reflectionModel)
        case ("reflective", .prompt), ("reflective", .strategy):
            return ReflectiveGenerator(model: reflectionModel)
        case ("operators", .prompt):
            return CompositeGenerator([(FormatConstraintOperator(), 2), (CompletionTemplateOperator(), 2), (PruneOperator(), 1)])
        case ("demonstrations", .prompt):
            return DemonstrationGenerator()
        case (_, _) where names.contains(name):
            throw SurfaceError.generatorDoesNotFit(generator: name, surface: surface)
        default:
            throw SurfaceError.unknownGenerator(name, available: names)
        }
    }

    /// Whether the named generator calls the reflection model (its role must then be allowed).
    public static func usesReflection(_ name: String) -> Bool {
        ["prompt-evolution", "reflective"].contains(name)
    }

    public static func surface(_ kind: SurfaceKind) -> any Surface {
        switch kind {
        case .prompt: return PromptSurface()
        case .skills: return SkillsSurface()
        case .strategy, .artifact: return StrategySurface()
        }
    }
}
