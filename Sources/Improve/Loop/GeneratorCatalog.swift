import Generators
import ImproveCore

/// The generators `improve` knows by name, and each surface's default.
public enum GeneratorCatalog {
    /// Names accepted by `--generator`, besides `external:<command>`.
    public static let names = ["prompt-evolution", "reflective", "operators", "demonstrations", "skill-optimizer"]

    /// The prefix of an external generator: `external:<shell command>` runs the command and
    /// speaks the JSON-lines protocol of ``ExternalGenerator`` with it.
    public static let externalPrefix = "external:"

    /// What `--help` lists: the names and the external form.
    public static var choices: [String] { names + ["\(externalPrefix)<command>"] }

    /// The default generator of a surface, or a typed error when the surface has no safe default.
    public static func defaultName(for surface: SurfaceKind) throws -> String {
        switch surface {
        case .prompt: return "prompt-evolution"
        case .skills: return "skill-optimizer"
        case .strategy, .artifact:
            // Artifacts run through autoresearch (`improveArtifact`), not the candidate search.
            throw SurfaceError.noDefaultGenerator(surface: surface, available: choices)
        }
    }

    /// Builds the named generator for a surface; `profile` supplies what a generator reads
    /// from it (the skills the skill optimiser may patch).
    public static func make(_ name: String, surface: SurfaceKind, reflectionModel: ModelSpec, profile: AgentProfile) throws -> any CandidateGenerator {
        if let command = externalCommand(name) {
            guard surface != .artifact else { throw SurfaceError.generatorDoesNotFit(generator: name, surface: surface) }
            return ExternalGenerator(command: ["/bin/sh", "-c", command])
        }
        switch (name, surface) {
        case ("prompt-evolution", .prompt):
            return CompositeGenerator.standard(reflectionModel: reflectionModel)
        case ("reflective", .prompt), ("reflective", .strategy):
            return ReflectiveGenerator(model: reflectionModel)
        case ("operators", .prompt):
            // The stack most often: from a seed that names no label, each single edit ties at 0.
            return CompositeGenerator([
                (StackedOperators(), 4), (FormatConstraintOperator(), 2), (CompletionTemplateOperator(), 2),
                (QuestionTemplateOperator(), 2), (PruneOperator(), 1),
            ])
        case ("demonstrations", .prompt):
            return DemonstrationGenerator()
        case ("skill-optimizer", .skills):
            guard !profile.skills.isEmpty else {
                throw SurfaceError.invalidComponent(component: "skills", reason: "profile \(profile.name) has no skills to optimise; add skills/<name>/SKILL.md or a skills: list")
            }
            // The anchored-patch optimiser needs a capable reflection model; the model-free
            // operators beside it improve skills on the embedded 135M model too.
            return CompositeGenerator([
                (SkillOptimizer(model: reflectionModel, skills: profile.skills), 2),
                (SkillExamplesOperator(skills: profile.skills, userTemplate: profile.userTemplate), 2),
                (SkillRuleFirstOperator(skills: profile.skills), 1),
                (SkillSectionDropOperator(skills: profile.skills), 1),
            ])
        case (_, _) where names.contains(name):
            throw SurfaceError.generatorDoesNotFit(generator: name, surface: surface)
        default:
            throw SurfaceError.unknownGenerator(name, available: choices)
        }
    }

    /// The shell command of an `external:<command>` name, or nil for a built-in name.
    public static func externalCommand(_ name: String) -> String? {
        guard name.hasPrefix(externalPrefix) else { return nil }
        let command = name.dropFirst(externalPrefix.count).trimmingCharacters(in: .whitespaces)
        return command.isEmpty ? nil : command
    }

    /// Whether the named generator calls the reflection model (its role must then be allowed).
    /// An external generator makes its own model calls, outside this process and its guard.
    public static func usesReflection(_ name: String) -> Bool {
        ["prompt-evolution", "reflective", "skill-optimizer"].contains(name)
    }

    public static func surface(_ kind: SurfaceKind) -> any Surface {
        switch kind {
        case .prompt: return PromptSurface()
        case .skills: return SkillsSurface()
        case .strategy, .artifact: return StrategySurface()
        }
    }
}
