import Evals
import Foundation
import Generators
import Improve
import ImproveCore
import Testing

/// The built-in registries answer exactly as the string switches they replace did: the same
/// names in the same order, the same defaults, and the same typed errors.
@Suite struct RegistryTests {
    static let model = ModelSpec(provider: "local", id: "m")
    static let profile = AgentProfile(name: "p", version: 1, model: model, systemPrompt: "s", userTemplate: "{{input}}")

    func make(_ name: String, _ surface: SurfaceKind, profile: AgentProfile = profile) throws -> any CandidateGenerator {
        try GeneratorRegistry.builtIn.make(GeneratorRequest(name: name, surface: surface, reflectionModel: Self.model, profile: profile))
    }

    @Test func generatorNamesDefaultsAndReflectionAreTheCatalogs() throws {
        let registry = GeneratorRegistry.builtIn
        #expect(registry.choices == ["prompt-evolution", "reflective", "operators", "demonstrations", "skill-optimizer", "external:<command>"])
        #expect(try registry.defaultName(for: .prompt) == "prompt-evolution")
        #expect(try registry.defaultName(for: .skills) == "skill-optimizer")
        #expect(throws: SurfaceError.noDefaultGenerator(surface: .strategy, available: registry.choices)) { try registry.defaultName(for: .strategy) }
        #expect(["prompt-evolution", "reflective", "skill-optimizer"].allSatisfy(registry.usesReflection))
        #expect(!["operators", "demonstrations", "external:python3 g.py", "nope"].contains(where: registry.usesReflection))
    }

    @Test func generatorsFitTheirSurfacesAndNoOthers() throws {
        #expect(try make("reflective", .strategy).name == "reflective")
        #expect(try make("demonstrations", .prompt).name == "demonstrations")
        #expect(throws: SurfaceError.generatorDoesNotFit(generator: "operators", surface: .skills)) { try make("operators", .skills) }
        #expect(throws: SurfaceError.generatorDoesNotFit(generator: "external:./g", surface: .artifact)) { try make("external:./g", .artifact) }
        #expect(throws: SurfaceError.unknownGenerator("external:  ", available: GeneratorRegistry.builtIn.choices)) { try make("external:  ", .prompt) }
        #expect(throws: SurfaceError.self) { try make("skill-optimizer", .skills) }
        #expect(try make("external: ./gen.py", .skills) is ExternalGenerator)
    }

    @Test func aLaterKindReplacesTheBuiltInOfTheSameName() throws {
        struct LoudLabel: ScorerKind {
            var type: String { "label" }
            var parameterKeys: [String] { ["volume"] }
            func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer { LengthScorer(name: config.name, min: 1, max: nil) }
        }
        let registry = ScorerRegistry.builtIn + [LoudLabel()]
        #expect(registry.types == ScorerRegistry.builtIn.types)
        #expect(registry.kind("label")?.parameterKeys == ["volume"])
        #expect(ScorerRegistry.builtIn.types == ["label", "exact", "normalized", "contains", "icontains", "regex", "length", "numeric", "json", "judge", "command"])
        #expect(ScorerRegistry.builtIn.usesJudge([ScorerConfig(type: "exact"), ScorerConfig(type: "judge")]))
        #expect(!ScorerRegistry.builtIn.usesJudge([ScorerConfig(type: "exact"), ScorerConfig(type: "command")]))
    }

    @Test func theBuiltInGateChecksReportInTheirOldOrder() throws {
        #expect(GateCheckName.allCases.map(\.rawValue) == [
            "coverage", "minimumPairs", "significantLift", "multipleComparisons", "noOpGuard", "overfitGap", "dimensionRegression",
            "costCeiling", "latencyCeiling", "excludedTrials",
        ])
        #expect(GateCheckRegistry.builtIn.rejecting == [.costCeiling, .latencyCeiling])
        // Without `gate.checks` the settings encode (and hash into dedupe keys) as before.
        #expect(try JSONValue(encoding: GateSettings())["checks"] == nil)
        #expect(try JSONValue(encoding: GateSettings())["minPairs"] == .number(20))
    }
}
