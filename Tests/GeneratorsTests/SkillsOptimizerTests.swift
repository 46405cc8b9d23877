import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Generators

private let reflection = ModelSpec(provider: "local", id: "reflector")
private let skill = Skill(name: "triage", description: "Sort tickets by urgency.", body: "# Triage\nRead the ticket.\n## Style\nBe brief.")

private func skillContext(rejected: [RejectedEdit] = [], pool extra: [ScoredCandidate] = []) -> ProposalContext {
    let parent = ScoredCandidate(candidate: Candidate(components: ["skill:triage": skill.body], generator: "seed"), results: [:])
    let minibatch = [ItemResult(itemID: "t1", score: 0, feedback: "expected urgent, got low")]
    return ProposalContext(
        pool: [parent] + extra, parent: parent, minibatch: minibatch, component: "skill:triage",
        search: SearchSet(items: [EvalItem(id: "t1", input: "server down", expected: "urgent")]), rejected: rejected,
        metricCallsLeft: 10, iteration: 1, settings: SearchSettings())
}

@Suite("Skill optimiser")
struct SkillsOptimizerTests {
    @Test func proposesThePatchedBodyAndShowsRejectedEditsInThePrompt() async throws {
        let model = ScriptedModelClient { _ in "ADD AFTER: Read the ticket.\n+ Outages are always urgent.\nDELETE: Missing line." }
        let optimizer = SkillOptimizer(model: reflection, skills: [skill])
        let earlier = RejectedEdit(component: "skill:triage", text: "Panic.", generator: "skillopt", reason: "rejected: minibatch did not improve")
        var rng = SeededRandom(seed: 1)
        let proposal = try await optimizer.propose(skillContext(rejected: [earlier]), model: model, rng: &rng)
        guard case .candidates(let candidates) = proposal, let candidate = candidates.first else {
            Issue.record("expected a candidate, got \(proposal)")
            return
        }
        #expect(candidate.components["skill:triage"] == "# Triage\nRead the ticket.\nOutages are always urgent.\n## Style\nBe brief.")
        #expect(candidate.rationale.contains("refused delete \"Missing line.\": anchor \"Missing line.\" matches no line of the skill"))
        #expect(candidate.rationale.hasSuffix("[rejected-before: 1]"))
        let prompt = try #require(model.calls.first?.messages.first?.content)
        #expect(prompt.contains("Panic."))
        #expect(prompt.contains("expected urgent, got low"))
        #expect(prompt.contains("at most 4 operations"))
    }

    @Test func invalidFrontmatterIsRejectedBeforeAnyModelCall() async throws {
        let model = ScriptedModelClient { _ in "DELETE: Read the ticket." }
        let bad = Skill(name: "triage", description: String(repeating: "d", count: 1025), body: skill.body)
        var rng = SeededRandom(seed: 1)
        let proposal = try await SkillOptimizer(model: reflection, skills: [bad]).propose(skillContext(), model: model, rng: &rng)
        guard case .nothing(let reason) = proposal else {
            Issue.record("expected nothing, got \(proposal)")
            return
        }
        #expect(reason.contains("not a valid document"))
        #expect(model.callCount == 0)
    }

    @Test func budgetAnnealsWithConsecutiveRejectionsAndRecoversAfterAcceptance() {
        let schedule = EditBudget(maximum: 8, minimum: 1, patience: 2)
        #expect((0...8).map { schedule.budget(afterConsecutiveRejections: $0) } == [8, 8, 4, 4, 2, 2, 1, 1, 1])
        let optimizer = SkillOptimizer(model: reflection, skills: [skill], budget: schedule)
        let mine = (0..<4).map { RejectedEdit(component: "skill:triage", text: "v\($0)", generator: "skillopt", reason: "rejected") }
        let other = RejectedEdit(component: "skill:triage", text: "o", generator: "reflective", reason: "rejected")
        #expect(optimizer.currentBudget(for: skillContext(rejected: mine + [other])) == 2)
        // An accepted proposal made when 3 edits were rejected: only the one after it counts.
        let accepted = ScoredCandidate(candidate: Candidate(components: ["skill:triage": "better"], generator: "skillopt", rationale: "applied 1/1; \(EditBudget.marker(rejectedCount: 3))"), results: [:])
        #expect(EditBudget.consecutiveRejections(of: "skillopt", in: skillContext(rejected: mine + [other], pool: [accepted])) == 1)
        #expect(optimizer.currentBudget(for: skillContext(rejected: mine + [other], pool: [accepted])) == 8)
    }

    @Test func frontmatterRoundTripsAndInvalidFieldsAreRejected() throws {
        let document = SkillDocument(skill: skill)
        #expect(try SkillDocument.parse(document.render(), file: "triage.md") == document)
        #expect(throws: SkillDocumentError(file: "x.md", line: 2, problem: "\"Bad_Name\" is not a valid skill name", hint: "kebab-case, lower-case letters, digits and single hyphens, at most 64 characters")) {
            try SkillDocument.parse("---\nname: Bad_Name\ndescription: d\n---\nbody", file: "x.md")
        }
        let long = String(repeating: "d", count: 1025)
        #expect(throws: SkillDocumentError(file: "x.md", line: 3, problem: "the description is 1025 characters long", hint: "at most 1024")) {
            try SkillDocument.parse("---\nname: ok\ndescription: \(long)\n---\n", file: "x.md")
        }
        #expect(throws: SkillDocumentError.self) { try SkillDocument.parse("no frontmatter", file: "x.md") }
        #expect(SkillDocument.problem(with: Skill(name: "ok", description: "d", body: "fine")) == nil)
    }
}
