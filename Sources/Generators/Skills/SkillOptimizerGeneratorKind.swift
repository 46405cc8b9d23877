import ImproveCore

/// `skill-optimizer`, the skills surface's default: anchored patches from the reflection
/// model beside model-free skill operators.
public struct SkillOptimizerGeneratorKind: GeneratorKind {
    /// Creates the kind.
    public init() {}
    /// `skill-optimizer`.
    public var name: String { "skill-optimizer" }
    /// The skills.
    public var surfaces: Set<SurfaceKind> { [.skills] }
    /// The skills' default.
    public var defaultFor: Set<SurfaceKind> { [.skills] }
    /// Reflects.
    public var usesReflection: Bool { true }

    /// The optimiser and the operators over the profile's skills.
    /// - Throws: `SurfaceError.invalidComponent(component:reason:)` when the profile has no skills.
    public func make(_ request: GeneratorRequest) throws -> any CandidateGenerator {
        let profile = request.profile
        guard !profile.skills.isEmpty else {
            throw SurfaceError.invalidComponent(component: "skills", reason: "profile \(profile.name) has no skills to optimise; add skills/<name>/SKILL.md or a skills: list")
        }
        // The anchored-patch optimiser needs a capable reflection model; the model-free
        // operators beside it improve skills on the embedded 135M model too.
        return CompositeGenerator([
            (SkillOptimizer(model: request.reflectionModel, skills: profile.skills), 2),
            (SkillExamplesOperator(skills: profile.skills, userTemplate: profile.userTemplate), 2),
            (SkillRuleFirstOperator(skills: profile.skills), 1),
            (SkillSectionDropOperator(skills: profile.skills), 1),
        ])
    }
}
