import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing
@testable import Generators

/// A JSON artifact whose experiment prints its `x` field as the score (lower is better) and
/// counts its runs in a file outside the scratch copy.
private struct JSONExperiment {
    let directory: URL
    let counter: URL

    init(x: Int = 12) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("space-\(UUID().uuidString)")
        directory = root.appendingPathComponent("artifact")
        counter = root.appendingPathComponent("runs.log")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "echo run >> \"$1\"\nsed -n 's/.*\"x\": *\\([0-9.-]*\\).*/score: \\1/p' params.json\n".write(to: directory.appendingPathComponent("run.sh"), atomically: true, encoding: .utf8)
        try "{\n  \"x\": \(x),\n  \"verbose\": false\n}\n".write(to: directory.appendingPathComponent("params.json"), atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: counter.path, contents: nil)
    }

    func spec(maxAttempts: Int, extra: String = "") throws -> ArtifactSpec {
        let yaml = """
            file: params.json
            command: sh run.sh \(counter.path)
            metric:
              regex: "score: ([0-9.-]+)"
            direction: minimise
            timeoutSeconds: 5
            baselineRepeats: 1
            maxAttempts: \(maxAttempts)
            minDelta: 0.5
            \(extra)
            """
        return try ArtifactSpecLoader.parse(yaml, file: "artifact.yaml", directory: directory)
    }

    var runs: Int { ((try? String(contentsOf: counter, encoding: .utf8)) ?? "").split(separator: "\n").count }
    var log: URL { directory.deletingLastPathComponent().appendingPathComponent("attempts.tsv") }
    func remove() { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
}

/// Completed steps in memory; `failAfterExperiments` makes the journal die (as a killed
/// process would) when that many experiments have completed.
private final class KillableJournal: StepJournal, @unchecked Sendable {
    struct Killed: Error {}
    let runID = "memory"
    private let lock = NSLock()
    private var done: [String: Data] = [:]
    private var experiments = 0
    var failAfterExperiments: Int?

    func step<Value: Codable & Sendable>(_ kind: StepKind, name: String?, signature: JSONValue, as type: Value.Type, body: @escaping @Sendable () async throws -> StepOutput<Value>) async throws -> Value {
        let key = "\(kind.rawValue)/\(name ?? "")/\(try ContentHash.of(signature))"
        if let stored = lock.withLock({ done[key] }) { return try JSONDecoder().decode(Value.self, from: stored) }
        let value = try await body().value
        let data = try JSONEncoder().encode(value)
        try lock.withLock {
            done[key] = data
            if kind == .experiment {
                experiments += 1
                if let limit = failAfterExperiments, experiments >= limit { throw Killed() }
            }
        }
        return value
    }
}

private let proposer = ModelSpec(provider: "local", id: "proposer")

@Suite("Artifact search space")
struct ArtifactSpaceTests {
    static let space = SearchSpace(parameters: [
        .init(path: "codec", domain: .choices(["zlib", "lzma", "bz2"])),
        .init(path: "level", domain: .integer(low: 1, high: 9, log: false)),
        .init(path: "chunk", domain: .integer(low: 256, high: 65536, log: true)),
        .init(path: "train.lr", domain: .real(low: 1e-5, high: 0.1, log: true)),
    ])

    @Test func samplingIsSeededDeterministicAndInsideTheDomain() {
        for kind in SearchSpace.Sampler.allCases {
            let sampler = SpaceSampler(space: Self.space, sampler: kind, startup: 3)
            let observations = (0..<6).map { index -> SpaceObservation in
                let codec: JSONValue = .string(index % 2 == 0 ? "bz2" : "zlib")
                let values: [String: JSONValue] = ["codec": codec, "level": .number(Double(index + 1))]
                return SpaceObservation(values: values, loss: Double(index))
            }
            func draws(seed: UInt64) -> [[String: JSONValue]] {
                var rng = SeededRandom(seed: seed)
                return (0..<20).map { _ in sampler.propose(observations: observations, rng: &rng) }
            }
            #expect(draws(seed: 5) == draws(seed: 5))
            #expect(draws(seed: 5) != draws(seed: 6))
            for draw in draws(seed: 9) {
                for parameter in Self.space.parameters {
                    #expect(parameter.domain.contains(draw[parameter.path] ?? .null), "\(kind) drew \(String(describing: draw[parameter.path])) for \(parameter.path)")
                }
            }
        }
        // Log scale: half the draws of [256, 65536] fall below the geometric middle (4096).
        var rng = SeededRandom(seed: 1)
        let chunks = (0..<400).map { _ -> Double in
            guard case .number(let value) = SpaceSampler.uniform(.integer(low: 256, high: 65536, log: true), rng: &rng) else { return 0 }
            return value
        }
        let below = chunks.filter { $0 < 4096 }.count
        #expect((150...250).contains(below), "\(below) of 400 log-uniform draws fell below 4096")
    }

    @Test func tpeFavoursWhatWorkedAfterItsRandomStart() {
        // Good experiments all used bz2 at level 9; bad ones the other codecs.
        let observations = (0..<12).map { index -> SpaceObservation in
            let good = index < 4
            let codec: JSONValue = .string(good ? "bz2" : (index % 2 == 0 ? "zlib" : "lzma"))
            let level: JSONValue = .number(good ? 9 : Double(1 + index % 5))
            return SpaceObservation(values: ["codec": codec, "level": level], loss: good ? 1 : 10)
        }
        let sampler = SpaceSampler(space: Self.space, sampler: .tpe, startup: 4)
        var rng = SeededRandom(seed: 3)
        let draws = (0..<20).map { _ in sampler.propose(observations: observations, rng: &rng) }
        #expect(draws.filter { $0["codec"] == "bz2" }.count >= 15)
        #expect(draws.filter { $0["level"].map { $0 == .number(9) || $0 == .number(8) } ?? false }.count >= 10)
    }

    @Test func formatsParseRenderAndReject() throws {
        for format in [StructuredFormat.json, .yaml, .toml] {
            let document: JSONValue = ["codec": "lzma", "level": 9, "train": ["lr": 0.001, "on": true], "tags": ["a", "b"]]
            let text = try format.render(document)
            #expect(try format.parse(text) == document, "\(format) round trip of \(text)")
        }
        #expect(throws: StructuredFormatError.self) { try StructuredFormat.json.parse("{\"codec\": lzma}") }
        #expect(throws: StructuredFormatError.self) { try StructuredFormat.yaml.parse("a: [1, 2\nb: c") }
        #expect(throws: StructuredFormatError.self) { try StructuredFormat.toml.parse("level = \n") }
        #expect(try StructuredFormat.toml.parse("# c\n[train]\nlr = 1e-3 # rate\nname = \"x#y\"\nsizes = [\n  1,\n  2,\n]\n") == ["train": ["lr": 0.001, "name": "x#y", "sizes": [1, 2]]])
        #expect(StructuredFormat(fileName: "config.yml") == .yaml)
        #expect(StructuredFormat(fileName: "notes.txt") == nil)
    }

    @Test func badSpacesNameTheFieldAndTheFix() throws {
        let experiment = try JSONExperiment()
        defer { experiment.remove() }
        let cases: [(String, String, String)] = [
            ("space:\n  x: {int: [9, 1]}", "space.x.int", "low < high"),
            ("space:\n  x: {choices: [1]}", "space.x.choices", "at least two"),
            ("space:\n  x: {int: [0, 9], log: true}", "space.x.int", "above 0"),
            ("space:\n  x: {range: [0, 9]}", "space.x.range", "unknown key"),
            ("sampler: bayes", "sampler", "bayes"),
        ]
        for (extra, field, words) in cases {
            do {
                _ = try experiment.spec(maxAttempts: 1, extra: extra)
                Issue.record("expected an error for \(extra)")
            } catch let error as ConfigError {
                #expect(error.field == field, "\(error)")
                #expect("\(error)".contains(words), "\(error)")
            }
        }
        // A space on a free-text file is refused: there are no fields to set.
        let text = experiment.directory.appendingPathComponent("notes.txt")
        try "x\n".write(to: text, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) {
            try ArtifactSpecLoader.parse("file: notes.txt\ncommand: x\nmetric: {regex: a}\ndirection: minimise\nspace:\n  x: {int: [0, 1]}", file: "artifact.yaml", directory: experiment.directory)
        }
    }

    @Test func anInvalidEditNeverRunsTheExperiment() async throws {
        let experiment = try JSONExperiment()
        defer { experiment.remove() }
        let runner = AutoresearchRunner(spec: try experiment.spec(maxAttempts: 2, extra: "modelShare: 1"), model: proposer, runID: "inv", logURL: experiment.log, recordInGit: false)
        let replies = ["Lower x.\n```json\n{\"x\": 3,,}\n```", "Lower x.\n```json\n{\"x\": 4, \"verbose\": false}\n```"]
        let counter = Counter()
        let result = try await runner.run(client: ScriptedModelClient { _ in replies[min(counter.next(), 1)] })
        #expect(result.attempts.map(\.status) == [.keep, .invalid, .keep])
        #expect(result.attempts[1].description.hasPrefix("not valid JSON"))
        #expect(result.attempts[1].source == .model)
        // The baseline and the one valid edit ran; the invalid edit did not.
        #expect(experiment.runs == 2)
        let tsv = try String(contentsOf: experiment.log, encoding: .utf8)
        #expect(tsv.contains("1\t-\tinvalid\tnot valid JSON"))
    }

    @Test func aDeclaredSpaceProposesWithoutTheModelAndLabelsItsAttempts() async throws {
        let experiment = try JSONExperiment()
        defer { experiment.remove() }
        let spec = try experiment.spec(maxAttempts: 8, extra: "space:\n  x: {int: [0, 20]}\nmodelShare: 0.25")
        let runner = AutoresearchRunner(spec: spec, model: proposer, runID: "sp", logURL: experiment.log, recordInGit: false, seed: 11)
        let calls = Counter()
        let result = try await runner.run(client: ScriptedModelClient { _ in _ = calls.next(); return "no idea" })
        #expect(calls.value == 2)  // attempts 4 and 8
        #expect(result.attempts.filter { $0.source == .model }.map(\.number) == [4, 8])
        #expect(result.attempts.filter { $0.source == .declaredSpace }.allSatisfy { $0.description.contains("space (") })
        #expect(result.bestMetric < 12)
        #expect(result.space == "declared (tpe)")
        // Same seed, same draws.
        let again = AutoresearchRunner(spec: spec, model: proposer, runID: "sp", logURL: experiment.log, recordInGit: false, seed: 11)
        #expect(try await again.run(client: ScriptedModelClient { _ in "no idea" }).attempts == result.attempts)
    }

    @Test func withoutASpaceTheInferredOneIsTriedAndLabelled() async throws {
        let experiment = try JSONExperiment()
        defer { experiment.remove() }
        let runner = AutoresearchRunner(spec: try experiment.spec(maxAttempts: 6, extra: "modelShare: 0"), model: proposer, runID: "inf", logURL: experiment.log, recordInGit: false, seed: 2)
        let result = try await runner.run(client: ScriptedModelClient { _ in "unused" })
        #expect(result.space == "inferred")
        let proposals = result.attempts.filter { $0.number > 0 }
        #expect(proposals.allSatisfy { $0.source == .inferredSpace && $0.description.contains("inferred space: ") })
        #expect(result.bestMetric < 12)
        let tsv = try String(contentsOf: experiment.log, encoding: .utf8)
        #expect(tsv.contains("inferred space: "))
    }

    @Test func aModelTimeoutIsOneFailedAttemptAndAProviderDownEndsTheRunByName() async throws {
        let server = try await StubModelServer.start(responder: StubModelServer.fixed("```json\n{\"x\": 1}\n```", delay: .seconds(4)))
        defer { Task { await server.stop() } }
        var config = ProviderConfig(name: "local", kind: .openai, baseURL: server.baseURL, timeoutSeconds: 0.3)
        config.maxRetries = 0
        let client = OpenAICompatibleClient(config: config, baseURL: server.baseURL, retry: RetryPolicy(maxAttempts: 1))
        let experiment = try JSONExperiment()
        defer { experiment.remove() }

        let once = AutoresearchRunner(spec: try experiment.spec(maxAttempts: 2, extra: "space:\n  x: {int: [0, 20]}\nmodelShare: 0.5"), model: proposer, runID: "to", logURL: experiment.log, recordInGit: false)
        let result = try await once.run(client: client)
        #expect(result.attempts.map(\.status).suffix(2) == [.keep, .failed] || result.attempts.map(\.status).suffix(2) == [.discard, .failed])
        #expect(result.attempts.last?.description.contains("did not answer within 0.3 s") == true)

        let down = AutoresearchRunner(spec: try experiment.spec(maxAttempts: 5, extra: "modelShare: 1\nmodelFailureLimit: 2"), model: proposer, runID: "down", logURL: experiment.log, recordInGit: false)
        await #expect(throws: AutoresearchError.providerDown(failures: 2, last: ModelError.timeout(provider: "local", seconds: 0.3).description)) {
            _ = try await down.run(client: client)
        }
        let tsv = try String(contentsOf: experiment.log, encoding: .utf8).split(separator: "\n")
        #expect(tsv.suffix(2).allSatisfy { $0.contains("\tfailed\tmodel call failed") })
    }

    @Test func aResumeAfterAKillRepeatsNoExperimentAndNoModelCall() async throws {
        let experiment = try JSONExperiment()
        defer { experiment.remove() }
        let spec = try experiment.spec(maxAttempts: 6, extra: "space:\n  x: {int: [0, 20]}\nmodelShare: 0.34")
        let journal = KillableJournal()
        journal.failAfterExperiments = 4
        let calls = Counter()
        let model = ScriptedModelClient { _ in _ = calls.next(); return "Try 7.\n```json\n{\"x\": 7, \"verbose\": false}\n```" }
        let runner = AutoresearchRunner(spec: spec, model: proposer, runID: "kill", logURL: experiment.log, journal: journal, recordInGit: false, seed: 4)
        await #expect(throws: KillableJournal.Killed.self) { _ = try await runner.run(client: model) }
        let (runsAtKill, callsAtKill) = (experiment.runs, calls.value)
        #expect(runsAtKill == 4)
        journal.failAfterExperiments = nil
        let resumed = try await runner.run(client: model)
        let experiments = resumed.attempts.filter { $0.metric != nil || $0.status == .crash }.count
        // Each experiment ran exactly once across both processes, and so did each model call.
        #expect(experiment.runs == experiments)
        #expect(calls.value == resumed.attempts.filter { $0.source == .model }.count)
        #expect(calls.value >= callsAtKill)
        let fresh = AutoresearchRunner(spec: spec, model: proposer, runID: "kill", logURL: experiment.log, recordInGit: false, seed: 4)
        #expect(try await fresh.run(client: model).attempts == resumed.attempts)
    }
}

/// A thread-safe counter for scripted clients.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func next() -> Int { lock.withLock { defer { count += 1 }; return count } }
}
