import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Evals

@Suite struct ReportTests {
    @Test func wilsonMatchesHandComputedBounds() throws {
        // 8/10: centre (0.8 + z²/20) / (1 + z²/10), half-width z/(1+z²/10)·sqrt(0.016 + z²/400).
        let estimate = try #require(Intervals.wilson(successes: 8, n: 10))
        #expect(abs(estimate.low - 0.4902) < 1e-4)
        #expect(abs(estimate.high - 0.9433) < 1e-4)
        let none = try #require(Intervals.wilson(successes: 0, n: 20))
        #expect(none.low == 0)
        #expect(abs(none.high - 0.1611) < 1e-4)
        #expect(Intervals.wilson(successes: 0, n: 0) == nil)
    }

    @Test func bootstrapIsSeededAndBracketsTheMean() throws {
        let values = (0..<50).map { Double($0 % 7) / 6 }
        let a = try #require(Intervals.bootstrapMean(values, seed: 3))
        let b = try #require(Intervals.bootstrapMean(values, seed: 3))
        let c = try #require(Intervals.bootstrapMean(values, seed: 4))
        #expect(a == b)
        #expect(a != c)
        #expect(a.low < a.value && a.value < a.high)
        #expect(a.high - a.low < 0.3)
        let constant = try #require(Intervals.bootstrapMean([0.5, 0.5, 0.5]))
        #expect(constant.low == 0.5 && constant.high == 0.5)
    }

    @Test func reportJSONHasItemsAsItemResultsAndSummaries() throws {
        let items = [
            ItemResult(itemID: "a", score: 1, passed: true, feedback: "ok", dimensions: ["label": 1]),
            ItemResult(itemID: "b", score: 0, passed: false, feedback: "Expected \"positive\"", dimensions: ["label": 0], trace: RolloutTrace(messages: [], output: "negative", usage: Usage(inputTokens: 5, outputTokens: 1), servedModel: "m", latencyMs: 1, source: "stub")),
            ItemResult(itemID: "c", score: 0, feedback: "The model call failed", error: "timeout"),
        ]
        let suite = Suite(name: "s", file: "/tmp/suite.yaml", items: [], scorers: [], split: SplitPlan())
        let report = try EvalReport(items: items, profile: profile(), suite: suite, split: "holdout", wallTimeSeconds: 1.5)
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["items"] is [Any])
        struct GateInput: Decodable { var items: [ItemResult] }
        #expect(try JSONDecoder().decode(GateInput.self, from: data).items == items)
        #expect(report.infraErrors == 1)
        #expect(report.passRate?.value == 0.5)
        #expect(report.worst.map(\.itemID) == ["b"])
        #expect(report.worst.first?.output == "negative")
        #expect(report.usage.inputTokens == 5)
        let table = ReportTable.render(report)
        #expect(table.contains("pass rate"))
        #expect(table.contains("infra errors 1"))
        #expect(table.contains("b  0.000  Expected \"positive\""))
    }
}

@Suite struct BundleTests {
    @Test(arguments: ["sentiment", "news-topic", "support"])
    func exampleProfilesLoad(name: String) throws {
        let bundle = try ProfileBundle.load(directory: Fixtures.repositoryRoot.appendingPathComponent("Profiles/\(name)"))
        let (search, holdout) = bundle.suite.splitItems()
        #expect(!search.isEmpty && !holdout.isEmpty)
        #expect(bundle.policy.allowedModels.allows(bundle.profile.model))
        if name == "support" {
            #expect(bundle.suite.personas.count >= 6)
            #expect(Set(bundle.suite.personas.flatMap(\.tags)) == ["easy", "medium", "hard"])
        } else {
            #expect(bundle.suite.items.count == 120)
        }
    }

    @Test func aMissingPolicySaysWhatToWrite() throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        try FileManager.default.removeItem(at: directory.appendingPathComponent("policy.yaml"))
        do {
            _ = try ProfileBundle.load(directory: directory)
            Issue.record("a bundle without policy.yaml must not load")
        } catch let error as ConfigError {
            #expect(error.file.hasSuffix("policy.yaml"))
            #expect(error.hint?.contains("allowedModels") == true)
        }
    }

    @Test func skillsDirectoryIsReadIntoTheProfile() throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        let skill = directory.appendingPathComponent("skills/label-words")
        try FileManager.default.createDirectory(at: skill, withIntermediateDirectories: true)
        try "---\nname: label-words\ndescription: The two labels\n---\nSay positive or negative.\n".write(to: skill.appendingPathComponent("SKILL.md"), atomically: true, encoding: .utf8)
        let bundle = try ProfileBundle.load(directory: directory)
        #expect(bundle.profile.skills == [Skill(name: "label-words", description: "The two labels", body: "Say positive or negative.\n")])

        let other = directory.appendingPathComponent("skills/other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let file = other.appendingPathComponent("SKILL.md")
        try "---\nname: other\ncolour: red\n---\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: SkillDocumentError(file: file.path, line: 3, problem: "unknown frontmatter key \"colour\"", hint: "allowed keys: name, description")) {
            try ProfileBundle.load(directory: directory)
        }
        try "---\nname: label-words\ndescription: again\n---\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: SkillDocumentError(file: file.path, line: 2, problem: "declares the skill \"label-words\" in the directory other", hint: "rename the directory to label-words")) {
            try ProfileBundle.load(directory: directory)
        }
    }

    @Test func sessionRefusesADisallowedRoleBeforeAnyCall() async throws {
        let directory = try Fixtures.copyOfProfile("support")
        try Fixtures.edit(directory.appendingPathComponent("policy.yaml"), replacing: "  simulator:\n    provider: local\n    id: smollm2-135m-instruct", with: "  simulator:\n    provider: openai\n    id: gpt-4o")
        let bundle = try ProfileBundle.load(directory: directory)
        let client = ScriptedModelClient { _ in "hi" }
        await #expect(throws: ModelError.self) { try await EvalSession(bundle: bundle).run(clients: { _ in client }) }
        #expect(client.callCount == 0)
    }

    @Test func sessionScoresTheChosenSplitAndPersonas() async throws {
        let bundle = try ProfileBundle.load(directory: Fixtures.repositoryRoot.appendingPathComponent("Profiles/support"))
        let client = ScriptedModelClient { request in
            if request.messages.first?.content.contains("grader") == true { return "SCORE: 8" }
            if request.messages.first?.content.contains("role-playing") == true { return "###STOP###" }
            return "Go to Settings > Account > Reset password; refund, cancel, export, sign out, $4, kept, free, 14 days, help@pebble.example."
        }
        let session = EvalSession(bundle: bundle, split: .holdout, trials: 2)
        let report = try await session.run(clients: { _ in client })
        let holdout = bundle.suite.splitItems().holdout.map(\.id)
        #expect(Array(report.items.prefix(holdout.count).map(\.itemID)) == holdout)
        // Personas are split like items: a holdout eval runs only the holdout personas.
        let holdoutPersonas = bundle.suite.splitPersonas().holdout.map(\.id)
        #expect(!holdoutPersonas.isEmpty && holdoutPersonas.count < bundle.suite.personas.count)
        #expect(report.items.count == holdout.count + 2 * holdoutPersonas.count)
        #expect(report.personas.map(\.personaID) == holdoutPersonas)
        #expect(report.infraErrors == 0)
        #expect(report.split == "holdout")
    }
}
