import Foundation
import ImproveCore
import Testing

@Suite struct EvolutionPolicyTests {
    static let head = "allowedModels: [local/m]\n"

    @Test func readsTheEvolutionBlockAndTheAuthorRole() throws {
        let policy = try PolicyLoader.parse(Self.head + """
            roles:
              author: {provider: local, id: m, maxTokens: 90}
            evolution:
              population: 6
              generations: 2
              elites: 2
              tieTolerance: 0.03
              holdoutSize: 12
            """, file: "policy.yaml")
        #expect(policy.evolution == EvolutionSettings(population: 6, generations: 2, elites: 2, tieTolerance: 0.03, holdoutSize: 12))
        #expect(policy.model(for: "author", task: ModelSpec(provider: "x", id: "y")).maxTokens == 90)
        #expect(try PolicyLoader.parse(Self.head, file: "policy.yaml").evolution == nil)
    }

    @Test func unknownKeysAndContradictionsAreErrorsNamingTheField() throws {
        do {
            _ = try PolicyLoader.parse(Self.head + "evolution:\n  populaton: 3\n", file: "policy.yaml")
            Issue.record("a misspelt key was accepted")
        } catch let error as ConfigError {
            #expect(error.description.contains("evolution.populaton"))
            #expect(error.description.contains("did you mean \"population\""))
        }
        do {
            _ = try PolicyLoader.parse(Self.head + "evolution:\n  population: 2\n  elites: 2\n", file: "policy.yaml")
            Issue.record("elites filling the population were accepted")
        } catch let error as ConfigError {
            #expect(error.description.contains("policy.yaml:4: evolution.elites"))
            #expect(error.description.contains("elites below population"))
        }
    }
}
