import Foundation
import ImproveCore
import Testing

@Suite("Profile YAML")
struct ProfileYAMLTests {
    static let sample = AgentProfile(
        name: "sentiment", version: 3,
        model: ModelSpec(provider: "local", id: "smollm2-135m-instruct", temperature: 0.1, maxTokens: 8, seed: 7),
        systemPrompt: "Classify the sentiment.\nAnswer positive or negative.", userTemplate: "Review: {{input}}\nSentiment:",
        skills: [Skill(name: "negation", description: "Handle \"not good\"", body: "# Negation\n- flip polarity\n")],
        strategy: "yes", metadata: ["owner": "team-a", "weights": [1, 0.5], "flag": true])

    @Test("ProfileWriter output reads back through ProfileLoader as an equal profile with the same hash")
    func roundTrip() throws {
        let text = try ProfileWriter.yaml(Self.sample)
        let loaded = try ProfileLoader.parse(text, file: "profile.yaml")
        #expect(loaded == Self.sample)
        #expect(loaded.contentHash == Self.sample.contentHash)
    }

    @Test("an unknown key is named with file and line, with a did-you-mean hint")
    func unknownKey() throws {
        let text = "name: x\nmodel:\n  provider: local\n  id: m\n  temprature: 0.5\n"
        let error = try #require(throws: ConfigError.self) { try ProfileLoader.parse(text, file: "p/profile.yaml") }
        #expect(error.file == "p/profile.yaml")
        #expect(error.line == 5)
        #expect(error.field == "model.temprature")
        #expect(error.description.contains("unknown key \"temprature\""))
        #expect(error.description.contains("did you mean \"temperature\""))
    }

    @Test("a temperature outside 0...2 is refused naming the field and the valid range")
    func badTemperature() throws {
        let text = "name: x\nmodel:\n  provider: local\n  id: m\n  temperature: 3.5\n"
        let error = try #require(throws: ConfigError.self) { try ProfileLoader.parse(text, file: "profile.yaml") }
        #expect(error.field == "model.temperature")
        #expect(error.line == 5)
        #expect(error.description.contains("3.5 is out of range"))
        #expect(error.description.contains("from 0.0 to 2.0"))
    }
}
