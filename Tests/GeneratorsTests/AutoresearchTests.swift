import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Generators

/// Replies from a fixed list, in order (the last one repeats).
private final class ReplyQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var replies: [String]
    init(_ replies: [String]) { self.replies = replies }
    func next() -> String { lock.withLock { replies.count > 1 ? replies.removeFirst() : (replies.first ?? "") } }
}

/// Completed steps kept in memory: enough to show that a resumed run replays experiments.
private final class MemoryJournal: StepJournal, @unchecked Sendable {
    let runID = "memory"
    private let lock = NSLock()
    private var done: [String: Data] = [:]
    func step<Value: Codable & Sendable>(_ kind: StepKind, name: String?, signature: JSONValue, as type: Value.Type, body: @escaping @Sendable () async throws -> StepOutput<Value>) async throws -> Value {
        let key = "\(kind.rawValue)/\(name ?? "")/\(try ContentHash.of(signature))"
        if let stored = lock.withLock({ done[key] }) { return try JSONDecoder().decode(Value.self, from: stored) }
        let value = try await body().value
        let data = try JSONEncoder().encode(value)
        lock.withLock { done[key] = data }
        return value
    }
}

private let runScript = """
    v=$(cat value.txt)
    echo run >> "$1"
    case "$v" in
      crash*) echo boom >&2; exit 3;;
      hang*) sleep 30;;
      base*) n=$(wc -l < "$1"); case $n in 2) echo "score: 12";; *) echo "score: 10";; esac; exit 0;;
    esac
    echo "score: $v"
    """

private struct Experiment {
    let directory: URL
    let counter: URL

    init(value: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("autoresearch-\(UUID().uuidString)")
        directory = root.appendingPathComponent("artifact")
        counter = root.appendingPathComponent("runs.log")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try runScript.write(to: directory.appendingPathComponent("run.sh"), atomically: true, encoding: .utf8)
        try (value + "\n").write(to: directory.appendingPathComponent("value.txt"), atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: counter.path, contents: nil)
    }

    func spec(maxAttempts: Int, baselineRepeats: Int = 2, minDelta: Double = 0.5, timeout: Double = 1) throws -> ArtifactSpec {
        let yaml = """
            file: value.txt
            command: sh run.sh \(counter.path)
            metric:
              regex: "score: ([0-9.]+)"
            direction: minimise
            timeoutSeconds: \(timeout)
            baselineRepeats: \(baselineRepeats)
            maxAttempts: \(maxAttempts)
            minDelta: \(minDelta)
            """
        return try ArtifactSpecLoader.parse(yaml, file: "artifact.yaml", directory: directory)
    }

    var runs: Int { ((try? String(contentsOf: counter, encoding: .utf8)) ?? "").split(separator: "\n").count }
    var log: URL { directory.deletingLastPathComponent().appendingPathComponent("attempts.tsv") }
    func remove() { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
}

private let proposer = ModelSpec(provider: "local", id: "proposer")

@Suite("Autoresearch")
struct AutoresearchTests {
    @Test func keepsDiscardsAndRevertsCrashesAndTimeouts() async throws {
        let experiment = try Experiment(value: "10")
        defer { experiment.remove() }
        let replies = ReplyQueue([
            "Lower it.\n```\n8\n```",
            "Break it.\n```\ncrash\n```",
            "Stall.\n```\nhang\n```",
            "Raise it.\n```diff\n@@ -1 +1 @@\n-8\n+9\n```",
            "I have no idea.",
        ])
        let runner = AutoresearchRunner(spec: try experiment.spec(maxAttempts: 5), model: proposer, runID: "t1", logURL: experiment.log, recordInGit: false)
        let result = try await runner.run(client: ScriptedModelClient { _ in replies.next() })
        #expect(result.attempts.map(\.status) == [.keep, .keep, .keep, .crash, .crash, .discard, .discard])
        #expect(result.attempts.map(\.metric) == [10, 10, 8, nil, nil, 9, nil])
        #expect(result.attempts[4].description.hasPrefix("timed out after 1.0 s"))
        #expect(result.attempts[3].description.hasPrefix("exit code 3: boom"))
        #expect(result.bestMetric == 8)
        #expect(result.bestContent == "8\n")
        #expect(result.keptDiff.contains("-10\n+8"))
        #expect(try String(contentsOf: experiment.directory.appendingPathComponent("value.txt"), encoding: .utf8) == "10\n")
        let tsv = try String(contentsOf: experiment.log, encoding: .utf8).split(separator: "\n")
        #expect(tsv.first == "attempt\tmetric\tstatus\tdescription")
        #expect(tsv.count == 8)
        #expect(tsv[3] == "1\t8.0\tkeep\tLower it.")
        #expect(tsv[4].hasPrefix("2\t-\tcrash\texit code 3"))
        #expect(tsv[7] == "5\t-\tdiscard\tno usable edit: the reply holds neither a unified diff nor the whole file in a ``` fence")
    }

    @Test func aChangeWithinTheBaselineNoiseIsDiscarded() async throws {
        let experiment = try Experiment(value: "base")
        defer { experiment.remove() }
        // Baseline runs print 10, 12, 10: mean 10.67, sample stdev 1.155, threshold 2.31.
        let replies = ReplyQueue(["```\n9\n```", "```\n8\n```"])
        let runner = AutoresearchRunner(spec: try experiment.spec(maxAttempts: 2, baselineRepeats: 3, minDelta: 0), model: proposer, runID: "t2", logURL: experiment.log, recordInGit: false)
        let result = try await runner.run(client: ScriptedModelClient { _ in replies.next() })
        #expect(abs(result.noise - 1.1547) < 0.001)
        #expect(abs(result.threshold - 2.3094) < 0.001)
        #expect(result.attempts.suffix(2).map(\.status) == [.discard, .keep])
        #expect(result.bestMetric == 8)
    }

    @Test func aResumedRunReplaysJournaledExperiments() async throws {
        let experiment = try Experiment(value: "10")
        defer { experiment.remove() }
        let journal = MemoryJournal()
        let spec = try experiment.spec(maxAttempts: 2)
        let runner = AutoresearchRunner(spec: spec, model: proposer, runID: "t3", logURL: experiment.log, journal: journal, recordInGit: false)
        let first = try await runner.run(client: ScriptedModelClient { _ in "```\n7\n```" })
        #expect(experiment.runs == 3)
        let again = try await runner.run(client: ScriptedModelClient { _ in "```\n7\n```" })
        #expect(experiment.runs == 3)
        #expect(again == first)
    }

    @Test func keptChangesAreCommitsOnTheirOwnBranchAndTheWorktreeIsUntouched() async throws {
        let experiment = try Experiment(value: "10")
        defer { experiment.remove() }
        let repo = experiment.directory
        @discardableResult func git(_ arguments: String...) async throws -> String { try await GitBranchRecorder.git(arguments, in: repo) }
        try await git("init", "-q", "-b", "main")
        try await git("-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
        try await git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
        let head = try await git("rev-parse", "HEAD")
        let replies = ReplyQueue(["```\n8\n```", "```\n9\n```", "```\n6\n```"])
        let runner = AutoresearchRunner(spec: try experiment.spec(maxAttempts: 3), model: proposer, runID: "r42", logURL: experiment.log)
        let result = try await runner.run(client: ScriptedModelClient { _ in replies.next() })
        #expect(result.branch == "improve/r42")
        #expect(result.commits.count == 2)
        #expect(try await git("rev-parse", "improve/r42") == result.commits.last)
        #expect(try await git("show", "improve/r42:value.txt") == "6")
        #expect(try await git("show", "improve/r42~1:value.txt") == "8")
        #expect(try await git("rev-parse", "improve/r42~2") == head)
        #expect(try await git("rev-parse", "HEAD") == head)
        #expect(try await git("symbolic-ref", "HEAD") == "refs/heads/main")
        #expect(try await git("status", "--porcelain") == "")
    }

    @Test func specErrorsNameTheField() throws {
        let experiment = try Experiment(value: "1")
        defer { experiment.remove() }
        #expect(throws: ConfigError.self) {
            try ArtifactSpecLoader.parse("file: missing.txt\ncommand: x\nmetric: {regex: a}\ndirection: minimise", file: "artifact.yaml", directory: experiment.directory)
        }
        do {
            _ = try ArtifactSpecLoader.parse("file: value.txt\ncommand: x\nmetric: {regex: a}\ndirection: down", file: "artifact.yaml", directory: experiment.directory)
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.field == "direction")
            #expect(error.line == 4)
        }
    }

    @Test func unifiedDiffAppliesWithShiftedLineNumbersAndRefusesWrongContext() throws {
        let text = "a\nb\nc\nd\ne\n"
        let diff = try DiffPatch.parse("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n c\n-d\n+D\n e\n")
        #expect(try diff.apply(to: text) == "a\nb\nc\nD\ne\n")
        #expect(throws: DiffPatchError.hunkDoesNotApply(hunk: 1, oldStart: 1)) {
            try DiffPatch.parse("@@ -1,2 +1,2 @@\n x\n-y\n+z\n").apply(to: text)
        }
        let made = UnifiedDiff.make(old: text, new: "a\nB\nc\nd\ne\nf\n", oldName: "a/f", newName: "b/f")
        #expect(try DiffPatch.parse(made).apply(to: text) == "a\nB\nc\nd\ne\nf\n")
    }
}
