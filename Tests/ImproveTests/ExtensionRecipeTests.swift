import Evals
import Foundation
import Generators
import Improve
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

// The recipes of "Extending improve", followed from a test target alone: a new scorer, a new
// generator and a new gate check, each one type, added to the built-in lists of one run.

/// Passes when the output's first word is the expected label.
struct FirstWordScorer: Scorer {
    let name: String

    func score(output: String, item: EvalItem) async throws -> ScoreResult {
        let first = output.split { !$0.isLetter }.first.map { $0.lowercased() } ?? ""
        let expected = (item.expected ?? "").lowercased()
        let passed = !first.isEmpty && first == expected
        return ScoreResult(score: passed ? 1 : 0, passed: passed, feedback: passed ? "starts with \(expected)" : "starts with \"\(first)\", expected \(expected)")
    }
}

/// `type: first-word` in suite.yaml.
struct FirstWordScorerKind: ScorerKind {
    var type: String { "first-word" }
    var parameterKeys: [String] { [] }
    func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer { FirstWordScorer(name: config.name) }
    func needsExpected(_ config: ScorerConfig) -> Bool { true }
}

/// Appends one instruction to the system prompt, once.
struct LabelFirstGenerator: CandidateGenerator {
    static let instruction = "Start your answer with the label."
    let name = "label-first"

    func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        let prompt = context.parent.candidate.components["systemPrompt"] ?? ""
        guard !prompt.contains(Self.instruction) else { return .exhausted(reason: "the instruction is already there") }
        return .candidates([context.child(setting: "systemPrompt", to: prompt + " " + Self.instruction, generator: name, rationale: "ask for the label first")])
    }
}

/// `--generator label-first`, on the prompt surface.
struct LabelFirstGeneratorKind: GeneratorKind {
    var name: String { "label-first" }
    var surfaces: Set<SurfaceKind> { [.prompt] }
    func make(_ request: GeneratorRequest) throws -> any CandidateGenerator { LabelFirstGenerator() }
}

/// Holds a winner whose system prompt is longer than `limit` characters; `gate.checks.promptLength.limit`
/// in policy.yaml overrides the limit it was made with.
struct PromptLengthCheck: PromotionCheck {
    let defaultLimit: Int
    var name: GateCheckName { "promptLength" }
    var policyKeys: [String] { ["limit"] }

    func evaluate(_ evidence: GateEvidence) -> GateCheck {
        let limit = evidence.setting("limit", of: name)?.doubleValue.map { Int($0) } ?? defaultLimit
        guard let prompt = evidence.finalist.components?["systemPrompt"] else {
            return GateCheck(name: name, status: .skipped, detail: "no system prompt supplied")
        }
        return prompt.count <= limit
            ? GateCheck(name: name, status: .pass, detail: "\(prompt.count) characters, at most \(limit)")
            : GateCheck(name: name, status: .fail, detail: "the system prompt has \(prompt.count) characters, more than \(limit)")
    }
}

@Suite struct ExtensionRecipeTests {
    static let scorers = ScorerRegistry.builtIn + [FirstWordScorerKind()]

    /// The sentiment profile scored by `first-word` instead of `label`.
    static func profile() throws -> URL {
        let directory = try Fixtures.copyOfProfile("sentiment")
        let suite = directory.appendingPathComponent("suite.yaml")
        let text = try String(contentsOf: suite, encoding: .utf8)
            .replacingOccurrences(of: "  - type: label\n    labels: [positive, negative]", with: "  - type: first-word")
        try text.write(to: suite, atomically: true, encoding: .utf8)
        return directory
    }

    /// Names the label first only when asked to; otherwise starts with a filler word.
    static func model(labels: [String: String]) -> ScriptedModelClient {
        ScriptedModelClient { request in
            let system = request.messages.first { $0.role == .system }?.content ?? ""
            let user = request.messages.last { $0.role == .user }?.content ?? ""
            guard let label = labels.first(where: { user.contains($0.key) })?.value else { return "Hmm." }
            return system.contains(LabelFirstGenerator.instruction) ? "\(label), clearly." : "Well, \(label)."
        }
    }

    /// Appends `gate:` settings to the profile's policy.
    static func configure(_ directory: URL, gate lines: String) throws {
        let policy = directory.appendingPathComponent("policy.yaml")
        let text = try String(contentsOf: policy, encoding: .utf8)
            .replacingOccurrences(of: "gate:\n", with: "gate:\n" + lines + "\n")
        try text.write(to: policy, atomically: true, encoding: .utf8)
    }

    static func run(_ directory: URL, check: PromptLengthCheck) async throws -> (ImproveOutcome, ProfileBundle) {
        let bundle = try ProfileBundle.load(directory: directory, scorers: scorers)
        let labels = Dictionary(bundle.suite.items.map { ($0.input, $0.expected ?? "") }, uniquingKeysWith: { first, _ in first })
        var options = ImproveOptions()
        options.generators = GeneratorRegistry.builtIn + [LabelFirstGeneratorKind()]
        options.gateChecks = GateCheckRegistry.builtIn + [check]
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let model = Self.model(labels: labels)
        let outcome = try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, generator: "label-first", options: options,
            store: store, models: ModelAccess(isStubOrReplay: true) { _ in model })
        return (outcome, bundle)
    }

    @Test func theBuiltInListsDoNotKnowTheNewKinds() throws {
        let directory = try Self.profile()
        #expect(throws: ConfigError.self) { try ProfileBundle.load(directory: directory) }
        #expect(throws: SurfaceError.unknownGenerator("label-first", available: GeneratorRegistry.builtIn.choices)) {
            try GeneratorRegistry.builtIn.make(GeneratorRequest(name: "label-first", surface: .prompt, reflectionModel: ModelSpec(provider: "local", id: "m"), profile: try ProfileLoader.load(contentsOf: directory.appendingPathComponent("profile.yaml"))))
        }
    }

    @Test func aNewScorerKindValidatesItsEntryLikeABuiltIn() throws {
        let suite = """
            items:
              - {id: a, input: good, expected: positive}
            scorers:
              - type: first-word
                labels: [positive, negative]
            """
        let error = try #require(throws: ConfigError.self) {
            try SuiteLoader.parse(suite, file: "suite.yaml", directory: URL(fileURLWithPath: "/tmp"), scorers: Self.scorers)
        }
        #expect(error.description.contains("labels"))
        let missing = """
            items:
              - {id: a, input: good}
            scorers:
              - type: first-word
            """
        let noExpected = try #require(throws: ConfigError.self) {
            try SuiteLoader.parse(missing, file: "suite.yaml", directory: URL(fileURLWithPath: "/tmp"), scorers: Self.scorers)
        }
        #expect(noExpected.description.contains("first-word scorer"))
    }

    @Test func aRunWithTheNewKindsShipsTheNewGeneratorsCandidate() async throws {
        let (outcome, bundle) = try await Self.run(try Self.profile(), check: PromptLengthCheck(defaultLimit: 200))

        #expect(outcome.verdict == .ship)
        #expect(outcome.baselineSearchMean == 0)
        #expect(outcome.winnerSearchMean == 1)
        let written = try ProfileLoader.load(contentsOf: URL(fileURLWithPath: try #require(outcome.writtenProfile)))
        #expect(written.systemPrompt == bundle.profile.systemPrompt + " " + LabelFirstGenerator.instruction)

        let audit = try JSONDecoder().decode(AuditRecord.self, from: Data(contentsOf: URL(fileURLWithPath: outcome.auditRecord)))
        #expect(audit.candidates.first { $0.id == outcome.winnerID }?.generator == "label-first")
        let check = try #require(audit.gate.check("promptLength"))
        #expect(check.status == .pass)
        #expect(audit.gate.checks.map(\.name) == GateCheckRegistry.builtIn.names + ["promptLength"])
        let report = try String(contentsOfFile: outcome.report, encoding: .utf8)
        #expect(report.contains("| promptLength | pass |"))
    }

    @Test func theNewGateCheckHoldsARunItFailsWithItsLimitFromThePolicy() async throws {
        let directory = try Self.profile()
        try Self.configure(directory, gate: "  checks:\n    promptLength: {limit: 30}")
        let (outcome, _) = try await Self.run(directory, check: PromptLengthCheck(defaultLimit: 200))

        #expect(outcome.verdict == .hold)
        #expect(outcome.winnerSearchMean == 1)
        #expect(outcome.writtenProfile == nil)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("profile.v2.yaml").path))
        #expect(outcome.reasons.contains { $0.hasPrefix("promptLength failed: the system prompt has") })
        let audit = try JSONDecoder().decode(AuditRecord.self, from: Data(contentsOf: URL(fileURLWithPath: outcome.auditRecord)))
        #expect(audit.gate.check("promptLength")?.status == .fail)
    }

    @Test func aPolicySettingNoCheckReadsIsRefusedBeforeTheRunOpens() async throws {
        for (lines, field) in [("  checks:\n    promptLength: {limt: 30}", "gate.checks.promptLength.limt"), ("  checks:\n    promptLenght: {limit: 30}", "gate.checks.promptLenght")] {
            let directory = try Self.profile()
            try Self.configure(directory, gate: lines)
            let error = await #expect(throws: ConfigError.self) { try await Self.run(directory, check: PromptLengthCheck(defaultLimit: 200)) }
            #expect(error?.field == field)
            #expect(try await SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path).listRuns(limit: 10).isEmpty)
        }
    }
}
