import Foundation
import ImproveCore

/// The reflection prompt of ``SkillOptimizer``: the skill, the minibatch evidence, what was
/// rejected before, the budget and the patch format.
enum SkillPatchPrompt {
    static func build(skill: Skill, body: String, context: ProposalContext, budget: Int, protectedHeadings: [String], rejectedShown: Int) -> String {
        var sections: [String] = []
        sections.append("You improve a skill document used by an AI agent. Skill \"\(skill.name)\": \(skill.description)")
        sections.append("Current skill body:\n```\n\(body)\n```")
        var evidence: [String] = []
        for result in context.minibatch.prefix(8) {
            let input = context.search.items.first { $0.id == result.itemID }?.input ?? ""
            var lines = ["Item \(result.itemID) scored \(String(format: "%.2f", result.score))"]
            if !input.isEmpty { lines.append("input: \(input.prefix(300))") }
            if let output = result.trace?.output { lines.append("output: \(output.prefix(300))") }
            if !result.feedback.isEmpty { lines.append("feedback: \(result.feedback.prefix(400))") }
            evidence.append(lines.joined(separator: "\n"))
        }
        if !evidence.isEmpty { sections.append("Recent results:\n" + evidence.joined(separator: "\n\n")) }
        let rejected = context.rejected.filter { $0.component == context.component }.suffix(rejectedShown).reversed()
        if !rejected.isEmpty {
            sections.append("These earlier versions were rejected; do not repeat them:\n" + rejected.map { "- \($0.reason): \($0.text.prefix(300))" }.joined(separator: "\n"))
        }
        var rules = ["Use at most \(budget) operation\(budget == 1 ? "" : "s").", "Never edit lines between \(SkillPatchApplier.protectedOpen) and \(SkillPatchApplier.protectedClose)."]
        if !protectedHeadings.isEmpty { rules.append("Never edit the sections headed: \(protectedHeadings.joined(separator: ", ")).") }
        sections.append(rules.joined(separator: " ") + "\n" + SkillPatch.formatHelp)
        return sections.joined(separator: "\n\n")
    }
}
