import ImproveCore
import Testing
@testable import Generators

@Suite("Operators")
struct OperatorTests {
    let parent = Fixtures.scored(["systemPrompt": "Classify the sentiment.", "userTemplate": "{{input}}"], scores: [0])

    private func child(_ generator: any CandidateGenerator, _ context: ProposalContext, seed: UInt64 = 1) async throws -> Candidate? {
        var rng = SeededRandom(seed: seed)
        guard case .candidates(let children) = try await generator.propose(context, model: Fixtures.exclaimingModel(), rng: &rng) else { return nil }
        return children.first
    }

    @Test("format constraint appends the label set to the system prompt, and moves on once tried")
    func formatConstraint() async throws {
        let first = try #require(try await child(FormatConstraintOperator(), Fixtures.context(parent: parent)))
        #expect(first.components["systemPrompt"] == "Classify the sentiment. Answer with exactly one word: negative or positive.")
        let rejected = [RejectedEdit(component: "systemPrompt", text: first.components["systemPrompt"] ?? "", generator: "format-constraint", reason: "no")]
        let second = try #require(try await child(FormatConstraintOperator(), Fixtures.context(parent: parent, rejected: rejected)))
        #expect(second.components["systemPrompt"] != first.components["systemPrompt"])
        #expect(second.components["systemPrompt"]?.contains("negative or positive") == true)
        let constrained = Fixtures.scored(first.components, scores: [0])
        #expect(try await child(FormatConstraintOperator(), Fixtures.context(parent: constrained)) == nil)
    }

    @Test("format constraint gives up on suites without a small label set")
    func noLabels() async throws {
        let items = (0..<5).map { EvalItem(id: "f\($0)", input: "q\($0)", expected: "free answer \($0)") } + [EvalItem(id: "x", input: "q")]
        var rng = SeededRandom(seed: 1)
        let many = (0..<20).map { EvalItem(id: "m\($0)", input: "q", expected: "label\($0)") }
        for set in [items.filter { $0.expected == nil }, many] {
            let proposal = try await FormatConstraintOperator().propose(Fixtures.context(parent: parent, items: set), model: Fixtures.exclaimingModel(), rng: &rng)
            guard case .exhausted = proposal else {
                Issue.record("expected exhausted, got \(proposal)")
                continue
            }
        }
    }

    @Test("completion template derives its cue from the task and keeps the placeholder")
    func completionTemplate() async throws {
        let first = try #require(try await child(CompletionTemplateOperator(), Fixtures.context(parent: parent)))
        #expect(first.components["userTemplate"] == "Text: {{input}}\nSentiment:")
        let topic = Fixtures.scored(["systemPrompt": "Identify the topic of the news.", "userTemplate": "{{input}}"], scores: [0])
        let second = try #require(try await child(CompletionTemplateOperator(), Fixtures.context(parent: topic)))
        #expect(second.components["userTemplate"] == "Text: {{input}}\nTopic:")
        let plain = Fixtures.scored(["systemPrompt": "Be helpful.", "userTemplate": "{{input}}"], scores: [0])
        let third = try #require(try await child(CompletionTemplateOperator(), Fixtures.context(parent: plain)))
        #expect(third.components["userTemplate"] == "Text: {{input}}\nAnswer:")
    }

    @Test("prune removes exactly one sentence and leaves worked examples alone")
    func prune() async throws {
        let long = Fixtures.scored(["systemPrompt": "Classify the sentiment. Think hard. Be kind.\n\nExamples:\nnice film\nAnswer: positive", "userTemplate": "{{input}}"], scores: [0])
        let pruned = try #require(try await child(PruneOperator(), Fixtures.context(parent: long)))
        let text = try #require(pruned.components["systemPrompt"])
        #expect(text.hasSuffix("\n\nExamples:\nnice film\nAnswer: positive"))
        let instructions = DemonstrationBlock(parsing: text).instructions
        #expect(sentences(of: instructions).count == 2)
        #expect(try await child(PruneOperator(), Fixtures.context(parent: parent)) == nil)
    }

    @Test("demonstrations add a labelled example from outside the minibatch, balancing labels")
    func demonstrations() async throws {
        let template = Fixtures.scored(["systemPrompt": "Classify the sentiment.", "userTemplate": "Text: {{input}}\nSentiment:"], scores: [0])
        let first = try #require(try await child(DemonstrationGenerator(), Fixtures.context(parent: template)))
        let block = DemonstrationBlock(parsing: first.components["systemPrompt"] ?? "")
        #expect(block.instructions == "Classify the sentiment.")
        #expect(block.demos.count == 1)
        let demo = try #require(block.demos.first)
        #expect(demo.hasPrefix("Text: phrase number "))
        #expect(!demo.contains("phrase number 0\n") && !demo.contains("phrase number 1\n"))
        // The second example takes the other label.
        let withOne = Fixtures.scored(first.components, scores: [0])
        var labels: Set<String> = []
        for seed in UInt64(1)...6 {
            guard let next = try await child(DemonstrationGenerator(), Fixtures.context(parent: withOne), seed: seed) else { continue }
            let demos = DemonstrationBlock(parsing: next.components["systemPrompt"] ?? "").demos
            if demos.count == 2 { labels.insert(String(demos[1].split(separator: " ").last ?? "")) }
        }
        let firstLabel = String(demo.split(separator: " ").last ?? "")
        #expect(!labels.isEmpty)
        #expect(!labels.contains(firstLabel))
    }

    @Test("demonstrations first add an item the parent got wrong, whatever the seed")
    func demonstrationsPreferFailedItems() async throws {
        // Facts, not labels: every expected value differs, so label balance cannot choose.
        let facts = (0..<8).map { EvalItem(id: "faq-\($0)", input: "question \($0)", expected: "fact \($0)") }
        let parent = ScoredCandidate(
            candidate: Candidate(components: ["systemPrompt": "Answer the question.", "userTemplate": "{{input}}"], generator: "test"),
            results: Dictionary(uniqueKeysWithValues: facts.map { ($0.id, ItemResult(itemID: $0.id, score: $0.id == "faq-5" ? 0 : 1)) }))
        for seed in UInt64(1)...8 {
            let added = try #require(try await child(DemonstrationGenerator(), Fixtures.context(parent: parent, items: facts, minibatch: ["faq-0"]), seed: seed))
            let demos = DemonstrationBlock(parsing: added.components["systemPrompt"] ?? "").demos
            #expect(demos == ["question 5\nAnswer: fact 5"], "seed \(seed) added \(demos)")
        }
    }

    @Test("the composite falls through members with nothing to offer and is exhausted only when all are")
    func composite() async throws {
        let constrained = Fixtures.scored(["systemPrompt": "Classify. Answer with exactly one word: negative or positive.", "userTemplate": "{{input}}"], scores: [0])
        let mix = CompositeGenerator([(FormatConstraintOperator(), 100), (CompletionTemplateOperator(), 1)])
        let result = try #require(try await child(mix, Fixtures.context(parent: constrained)))
        #expect(result.generator == "completion-template")
        var rng = SeededRandom(seed: 1)
        let empty = CompositeGenerator([(ListGenerator([]), 1), (ListGenerator([]), 1)])
        let proposal = try await empty.propose(Fixtures.context(parent: parent), model: Fixtures.exclaimingModel(), rng: &rng)
        guard case .exhausted = proposal else {
            Issue.record("expected exhausted, got \(proposal)")
            return
        }
    }
}
