import ImproveCore

/// The default generator of the `skills` surface (SkillOpt-style): asks the reflection model
/// for a small patch of anchored operations to one skill's body instead of a rewrite, applies
/// what is allowed, and proposes the patched skill.
///
/// - Operations with a missing or ambiguous anchor, inside a protected section, or beyond the
///   edit budget are refused one by one; the rationale lists them.
/// - The budget anneals with consecutive rejections (see ``EditBudget``).
/// - Edits the engine rejected earlier for the same skill are shown to the model.
/// - A patched skill that would not read back as a valid document (see
///   ``SkillDocument/problem(with:)``) or exceeds the length cap is never proposed.
public struct SkillOptimizer: CandidateGenerator {
    public let name: String
    /// The reflection model.
    public let model: ModelSpec
    /// Names and descriptions of the profile's skills, for the prompt and frontmatter checks.
    public let skills: [Skill]
    public let budget: EditBudget
    public let protectedHeadings: [String]
    /// How many earlier rejected edits of the skill the prompt shows (newest first).
    public let rejectedShown: Int

    public init(model: ModelSpec, skills: [Skill], budget: EditBudget = EditBudget(), protectedHeadings: [String] = [], rejectedShown: Int = 3, name: String = "skillopt") {
        self.model = model
        self.skills = skills
        self.budget = budget
        self.protectedHeadings = protectedHeadings
        self.rejectedShown = rejectedShown
        self.name = name
    }

    /// The edit budget this generator would use for `context`.
    public func currentBudget(for context: ProposalContext) -> Int {
        budget.budget(afterConsecutiveRejections: EditBudget.consecutiveRejections(of: name, in: context))
    }

    public func propose(_ context: ProposalContext, model client: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        guard context.component.hasPrefix("skill:"), let body = context.parent.candidate.components[context.component] else {
            return .nothing(reason: "\(name) edits skill:<name> components; the parent has no \(context.component)")
        }
        let skillName = String(context.component.dropFirst("skill:".count))
        let skill = skills.first { $0.name == skillName } ?? Skill(name: skillName, description: "(no description)", body: body)
        // Checked before paying for a model call: a skill that cannot be written back as a
        // valid document (bad name, over-long description) is never worth patching.
        if let problem = SkillDocument.problem(with: Skill(name: skill.name, description: skill.description, body: body)) {
            return .nothing(reason: "the skill \(skill.name) is not a valid document: \(problem)")
        }
        let limit = currentBudget(for: context)
        let prompt = SkillPatchPrompt.build(skill: skill, body: body, context: context, budget: limit, protectedHeadings: protectedHeadings, rejectedShown: rejectedShown)
        let response = try await client.complete(ChatRequest(model: model, messages: [.user(prompt)]))
        if response.wasTruncated {
            return .nothing(reason: "the patch reply was cut off (finish reason \(response.finishReason)); not applied")
        }
        let patch: SkillPatch
        do {
            patch = try SkillPatch.parse(response.text)
        } catch {
            return .nothing(reason: "unreadable patch: \(error)")
        }
        let outcome = SkillPatchApplier(protectedHeadings: protectedHeadings, budget: limit).apply(patch, to: body)
        let refusals = outcome.rejected.map { "refused \($0.operation.summary): \($0.reason)" }
        guard !outcome.applied.isEmpty, outcome.body != body else {
            return .nothing(reason: (["no operation of the patch applied"] + refusals).joined(separator: "; "))
        }
        if let problem = SkillDocument.problem(with: Skill(name: skill.name, description: skill.description, body: outcome.body)) {
            return .nothing(reason: "the patched skill \(skill.name) is not a valid document: \(problem)")
        }
        if outcome.body.count > context.settings.maxComponentLength {
            return .nothing(reason: "the patched skill is \(outcome.body.count) characters, over the cap of \(context.settings.maxComponentLength)")
        }
        if context.rejected.contains(where: { $0.component == context.component && $0.text == outcome.body }) {
            return .nothing(reason: "the patch reproduces an edit already rejected for \(context.component)")
        }
        var components = context.parent.candidate.components
        components[context.component] = outcome.body
        let applied = outcome.applied.map(\.summary).joined(separator: "; ")
        let rationale = ([("applied \(outcome.applied.count)/\(patch.operations.count) (budget \(limit)): \(applied)")] + refusals + [EditBudget.marker(rejectedCount: context.rejected.count)]).joined(separator: "; ")
        return .candidates([Candidate(components: components, parents: [context.parent.id], generator: name, rationale: rationale)])
    }
}
