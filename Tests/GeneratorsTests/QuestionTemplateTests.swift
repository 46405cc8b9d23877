import ImproveCore
import Testing
@testable import Generators

@Suite("Question template")
struct QuestionTemplateTests {
    let parent = Fixtures.scored(["systemPrompt": "Classify the sentiment.", "userTemplate": "{{input}}"], scores: [0])

    /// Six positive and four negative items: "positive" is the more frequent label.
    let skewed = (0..<10).map { EvalItem(id: String(format: "item-%02d", $0), input: "phrase \($0)", expected: $0 < 6 ? "positive" : "negative") }

    private func children(_ context: ProposalContext) async throws -> [String] {
        var context = context
        var templates: [String] = []
        var rng = SeededRandom(seed: 1)
        while case .candidates(let found) = try await QuestionTemplateOperator().propose(context, model: Fixtures.exclaimingModel(), rng: &rng),
              let child = found.first {
            templates.append(child.components["userTemplate"] ?? "")
            context.seenCandidateIDs.insert(child.id)
        }
        return templates
    }

    @Test("asks after the input, most frequent label first, then the reverse order, then stops")
    func variantsInOrder() async throws {
        let templates = try await children(Fixtures.context(parent: parent, items: skewed))
        #expect(templates == [
            "{{input}}\n\nIs this text positive or negative? Answer with one word.",
            "{{input}}\n\nIs this text about positive or negative? Answer with one word.",
            "{{input}}\n\nIs this text negative or positive? Answer with one word.",
            "{{input}}\n\nIs this text about negative or positive? Answer with one word.",
        ])
    }

    @Test("equal counts start alphabetical and still try the other order; a parent that already asks is left alone")
    func tiesAndRepeats() async throws {
        let templates = try await children(Fixtures.context(parent: parent))
        #expect(templates.count == 4)
        #expect(templates.prefix(2).allSatisfy { $0.contains("negative or positive?") })
        #expect(templates.suffix(2).allSatisfy { $0.contains("positive or negative?") })
        let asking = Fixtures.scored(["systemPrompt": "Classify the sentiment.", "userTemplate": templates[0]], scores: [0])
        var rng = SeededRandom(seed: 1)
        guard case .nothing = try await QuestionTemplateOperator().propose(Fixtures.context(parent: asking), model: Fixtures.exclaimingModel(), rng: &rng) else {
            Issue.record("a parent that already asks about the labels got another question")
            return
        }
    }

    @Test("several placeholders are each named before the question")
    func severalFields() {
        let variants = QuestionTemplateOperator.variants(template: "{{title}} {{body}}", labelOrders: [["a", "b", "c"]])
        #expect(variants.count == 2)
        #expect(variants.first == "Title: {{title}}\nBody: {{body}}\n\nIs this text a, b or c? Answer with one word.")
    }
}
