import Foundation
import ImproveCore
import Testing

/// The stored run configuration must keep its bytes: the dedupe key of an existing store and
/// `improve-cli resume` read what earlier versions wrote, which was a string-keyed object.
@Suite struct RunConfigurationTests {
    static let budget = Budget(metricCalls: 300, tokens: 50_000, cost: 1.25)
    static let evolution = EvolutionSettings(population: 6, generations: 2, elites: 1, tieTolerance: 0.03, holdoutSize: 40, authorTemperature: 0.7)
    /// Above 2^53, where a JSON number would lose digits.
    static let seed: UInt64 = 18_446_744_073_709_551_557

    @Test func aSearchRunsConfigurationIsTheObjectItReplaces() throws {
        let legacy: JSONValue = [
            "profileDirectory": .string("/tmp/Profiles/sentiment"),
            "surface": .string("prompt"), "generator": .string("prompt-evolution"),
            "budget": try JSONValue(encoding: Self.budget), "seed": .string(String(Self.seed)), "inPlace": .bool(false),
            "suiteHash": .string("abc123"),
        ]
        let typed = try RunConfiguration(
            profileDirectory: "/tmp/Profiles/sentiment", surface: .prompt, generator: "prompt-evolution", budget: Self.budget, seed: Self.seed,
            inPlace: false, suiteHash: "abc123"
        ).json()
        #expect(try CanonicalJSON.encode(typed) == CanonicalJSON.encode(legacy))
        #expect(RunConfiguration(stored: legacy)?.budget == Self.budget)
        #expect(RunConfiguration(stored: legacy)?.seed == String(Self.seed))
    }

    @Test func evolveArtifactAndEvalConfigurationsKeepTheirBytesToo() throws {
        let evolve: JSONValue = [
            "profileDirectory": .string("/p"), "surface": .string("strategy"), "generator": .string("evolve"),
            "budget": try JSONValue(encoding: Self.budget), "seed": .string("7"), "inPlace": .bool(true),
            "suiteHash": .string("h"), "evolution": try JSONValue(encoding: Self.evolution),
        ]
        let typedEvolve = try RunConfiguration(
            profileDirectory: "/p", surface: .strategy, generator: "evolve", budget: Self.budget, seed: 7, inPlace: true, suiteHash: "h",
            evolution: Self.evolution
        ).json()
        #expect(try CanonicalJSON.encode(typedEvolve) == CanonicalJSON.encode(evolve))
        #expect(RunConfiguration(stored: evolve)?.evolution == Self.evolution)

        let artifact: JSONValue = [
            "profileDirectory": .string("/a"), "surface": .string("artifact"), "generator": .string("autoresearch"), "seed": .string("3"),
            "inPlace": .bool(false), "artifactFile": .string("config.json"),
        ]
        let typedArtifact = try RunConfiguration(profileDirectory: "/a", surface: .artifact, generator: "autoresearch", seed: 3, inPlace: false, artifactFile: "config.json").json()
        #expect(try CanonicalJSON.encode(typedArtifact) == CanonicalJSON.encode(artifact))

        #expect(try CanonicalJSON.encode(RunConfiguration(split: "holdout").json()) == CanonicalJSON.encode(["split": .string("holdout")] as JSONValue))
    }

    @Test func aConfigurationFromAnotherToolIsNotOne() {
        #expect(RunConfiguration(stored: ["surface": .string("nonsense")]) == nil)
        #expect(RunConfiguration(stored: .string("x")) == nil)
        #expect(RunConfiguration(stored: [:]) == RunConfiguration())
    }
}
