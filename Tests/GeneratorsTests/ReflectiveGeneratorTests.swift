import ImproveCore
import ImproveTestSupport
import Testing
@testable import Generators

@Suite("Reflective generator")
struct ReflectiveGeneratorTests {
    @Test("reply parsing copes with tags, missing or extra fences and leading prose", arguments: [
        ("```\nBe precise.\n```", "Be precise."),
        ("Sure! Here it is:\n```text\nBe precise.\nUse labels.\n```\nHope that helps.", "Be precise.\nUse labels."),
        ("```markdown\nBe precise.", "Be precise."),
        ("```Be precise.```", "Be precise."),
        ("```\nFirst.\n```\n```\nSecond.\n```", "First."),
        ("New instruction:\nBe precise.", "Be precise."),
        ("  Be precise.  ", "Be precise."),
    ])
    func parsing(reply: String, expected: String) {
        #expect(FencedReply.extract(reply) == expected)
    }

    @Test("an empty reply or empty fences hold no text")
    func emptyReplies() {
        #expect(FencedReply.extract("") == nil)
        #expect(FencedReply.extract("```\n\n```") == nil)
    }

    @Test("the prompt shows the component, each minibatch example with its feedback, and that component's rejected edits")
    func promptContents() {
        let parent = Fixtures.scored(["systemPrompt": "Classify the sentiment.", "userTemplate": "{{input}}"], scores: [0])
        let rejected = [
            RejectedEdit(component: "systemPrompt", text: "Be rude.", generator: "reflective", reason: "minibatch sum 0 did not beat 1"),
            RejectedEdit(component: "userTemplate", text: "X {{input}}", generator: "reflective", reason: "nope"),
        ]
        let prompt = ReflectionPrompt.build(for: Fixtures.context(parent: parent, rejected: rejected))
        #expect(prompt.contains("```\nClassify the sentiment.\n```"))
        #expect(prompt.contains("Input input: phrase number 1"))
        #expect(prompt.contains("Expected: negative"))
        #expect(prompt.contains("Assistant's output: I think it is nice"))
        #expect(prompt.contains("Feedback: wrong"))
        #expect(prompt.contains("Be rude."))
        #expect(!prompt.contains("X {{input}}"))
    }

    @Test("a user-template prompt asks to keep the placeholders")
    func placeholders() {
        let parent = Fixtures.scored(["systemPrompt": "s", "userTemplate": "Text: {{input}}"], scores: [0])
        let prompt = ReflectionPrompt.build(for: Fixtures.context(parent: parent, component: "userTemplate"))
        #expect(prompt.contains("Keep the placeholders {{input}}"))
    }

    @Test("a reflection request the provider refuses (a prompt over the context window) is one failed proposal; other errors still end the run")
    func refusedRequest() async throws {
        let parent = Fixtures.scored(["systemPrompt": "Old.", "userTemplate": "{{input}}"], scores: [0])
        var rng = SeededRandom(seed: 1)
        let tooLong = ScriptedModelClient { _ in
            throw ModelError.badRequest(provider: "local", status: 400, detail: "This model's maximum context length is 2048 tokens.")
        }
        let proposal = try await ReflectiveGenerator(model: Fixtures.model).propose(Fixtures.context(parent: parent), model: tooLong, rng: &rng)
        guard case .nothing(let reason) = proposal else {
            Issue.record("expected a failed proposal, got \(proposal)")
            return
        }
        #expect(reason.contains("maximum context length"))
        let locked = ScriptedModelClient { _ in throw ModelError.unauthorized(provider: "local", status: 401, detail: "bad key") }
        await #expect(throws: ModelError.self) {
            var rng = SeededRandom(seed: 1)
            _ = try await ReflectiveGenerator(model: Fixtures.model).propose(Fixtures.context(parent: parent), model: locked, rng: &rng)
        }
    }

    @Test("the adopted text replaces only the asked component")
    func adoption() async throws {
        let parent = Fixtures.scored(["systemPrompt": "Old.", "userTemplate": "{{input}}"], scores: [0])
        var rng = SeededRandom(seed: 1)
        let proposal = try await ReflectiveGenerator(model: Fixtures.model).propose(Fixtures.context(parent: parent), model: ScriptedModelClient { _ in "```\nNew.\n```" }, rng: &rng)
        guard case .candidates(let children) = proposal, let child = children.first else {
            Issue.record("expected a child, got \(proposal)")
            return
        }
        #expect(child.components == ["systemPrompt": "New.", "userTemplate": "{{input}}"])
        #expect(child.parents == [parent.id])
        #expect(child.generator == "reflective")
    }
}
