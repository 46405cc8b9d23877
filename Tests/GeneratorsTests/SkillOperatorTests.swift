import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Generators

private let body = """
    # Triage
    Sort the ticket.
    ## Background
    Tickets come from the help desk.
    <!-- protected -->
    - Outages are always urgent.
    <!-- /protected -->
    ## Answer
    - Reply with one word: urgent or low.
    """
private let skill = Skill(name: "triage", description: "Sort tickets by urgency.", body: body)

private func context(body: String = body, items: [EvalItem]? = nil, rejected: [RejectedEdit] = []) -> ProposalContext {
    let parent = ScoredCandidate(candidate: Candidate(components: ["skill:triage": body], generator: "seed"), results: [:])
    let search = items ?? [
        EvalItem(id: "t1", input: "server down", expected: "urgent"), EvalItem(id: "t2", input: "typo on page", expected: "low"),
        EvalItem(id: "t3", input: "cannot log in", expected: "urgent"), EvalItem(id: "t4", input: "font too small", expected: "low"),
    ]
    return ProposalContext(
        pool: [parent], parent: parent, minibatch: [ItemResult(itemID: "t1", score: 0, feedback: "")], component: "skill:triage",
        search: SearchSet(items: search), rejected: rejected, metricCallsLeft: 10, iteration: 1, settings: SearchSettings())
}

/// The protected lines of a body, in order.
private func protectedText(_ text: String) -> [String] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    return SkillPatchApplier(budget: 0).protectedLines(lines).sorted().map { lines[$0] }
}

private func proposedBody(_ generator: any CandidateGenerator, _ context: ProposalContext, seed: UInt64 = 1) async throws -> String? {
    var rng = SeededRandom(seed: seed)
    let unused = ScriptedModelClient { _ in
        Issue.record("a model-free operator called the model")
        return ""
    }
    guard case .candidates(let children) = try await generator.propose(context, model: unused, rng: &rng) else { return nil }
    return children.first?.components["skill:triage"]
}

@Suite("Skill operators")
struct SkillOperatorTests {
    @Test func everyOperatorKeepsProtectedTextAndAValidDocumentOverManySeeds() async throws {
        let operators: [any CandidateGenerator] = [
            SkillExamplesOperator(skills: [skill], userTemplate: "Ticket: {{input}}\nAnswer:"), SkillRuleFirstOperator(skills: [skill]), SkillSectionDropOperator(skills: [skill]),
        ]
        for generator in operators {
            var seen = Set<String>()
            for seed: UInt64 in 1...12 {
                let edited = try #require(try await proposedBody(generator, context(), seed: seed), "\(generator.name) proposed nothing")
                #expect(edited != body)
                #expect(protectedText(edited) == protectedText(body), "\(generator.name) touched protected text")
                #expect(SkillDocument.problem(with: Skill(name: skill.name, description: skill.description, body: edited)) == nil)
                #expect(try SkillDocument.parse(SkillDocument(skill: Skill(name: "triage", description: skill.description, body: edited)).render(), file: "SKILL.md").skill.body == edited)
                seen.insert(edited)
            }
            #expect(seen.count > 1 || generator.name == "skill-rule-first", "\(generator.name) always proposed the same edit")
        }
    }

    @Test func workedExamplesComeFromSearchItemsOutsideTheMinibatch() async throws {
        let generator = SkillExamplesOperator(skills: [skill], userTemplate: "Ticket: {{input}}\nAnswer:", maxExamples: 2)
        var current = body
        for _ in 0..<2 {
            current = try #require(try await proposedBody(generator, context(body: current)))
        }
        let section = try #require(current.components(separatedBy: SkillExamplesOperator.heading + "\n").last)
        #expect(section.components(separatedBy: "Ticket: ").count - 1 == 2)
        #expect(!section.contains("server down"))  // t1 is in the minibatch
        #expect(section.contains("Answer: urgent") && section.contains("Answer: low"))  // balanced labels
        // Full: the next edit swaps or drops, never grows the set past two.
        let next = try #require(try await proposedBody(generator, context(body: current)))
        #expect(next.components(separatedBy: "Ticket: ").count - 1 <= 2)
    }

    @Test func theRuleMovesToTheTopAndAProtectedRuleStays() async throws {
        let edited = try #require(try await proposedBody(SkillRuleFirstOperator(skills: [skill]), context()))
        #expect(edited.hasPrefix("- Reply with one word: urgent or low.\n# Triage"))
        #expect(edited.components(separatedBy: "Reply with one word").count == 2)
        // With that move already rejected, nothing else qualifies (the protected rule may not move).
        let rejected = RejectedEdit(component: "skill:triage", text: edited, generator: "skill-rule-first", reason: "rejected")
        #expect(try await proposedBody(SkillRuleFirstOperator(skills: [skill]), context(rejected: [rejected])) == nil)
    }

    @Test func aSectionHoldingProtectedTextIsNeverDropped() async throws {
        var drops = Set<String>()
        for seed: UInt64 in 1...12 {
            if let edited = try await proposedBody(SkillSectionDropOperator(skills: [skill]), context(), seed: seed) { drops.insert(edited) }
        }
        // "Background" holds the protected block, so only "Triage" and "Answer" can go.
        #expect(drops.count == 2)
        #expect(drops.allSatisfy { $0.contains("- Outages are always urgent.") && $0.contains("## Background") })
    }
}
