import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Generators

private func externalContext(rejected: [RejectedEdit] = []) -> ProposalContext {
    let parent = ScoredCandidate(candidate: Candidate(components: ["systemPrompt": "Classify the sentiment.", "userTemplate": "{{input}}"], generator: "seed"), results: [:])
    return ProposalContext(
        pool: [parent], parent: parent, minibatch: [ItemResult(itemID: "s1", score: 0, feedback: "expected positive")], component: "systemPrompt",
        search: SearchSet(items: [EvalItem(id: "s1", input: "lovely film", expected: "positive"), EvalItem(id: "s2", input: "dull", expected: "negative")]),
        rejected: rejected, metricCallsLeft: 5, iteration: 2, settings: SearchSettings())
}

/// Writes a throwaway generator script and returns its path.
private func script(_ source: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("generator-\(UUID().uuidString).py")
    try source.write(to: url, atomically: true, encoding: .utf8)
    return url
}

private var exampleScript: URL {
    // Tests/GeneratorsTests/ExternalGeneratorTests.swift -> repository root.
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/example-generator.py")
}

private let noModel = ScriptedModelClient { _ in "" }

@Suite("External generator")
struct ExternalGeneratorTests {
    @Test func exampleScriptRoundTripIsDeterministicAndEndsExhausted() async throws {
        let generator = ExternalGenerator(command: ["python3", exampleScript.path], timeout: 20)
        var rng = SeededRandom(seed: 3)
        let proposal = try await generator.propose(externalContext(), model: noModel, rng: &rng)
        guard case .candidates(let candidates) = proposal, let candidate = candidates.first else {
            Issue.record("expected candidates, got \(proposal)")
            return
        }
        #expect(candidate.components["userTemplate"] == "{{input}}")
        #expect(candidate.components["systemPrompt"]?.hasPrefix("Classify the sentiment.\n") == true)
        #expect(candidate.rationale == "appended a hint (labels: negative, positive)")
        #expect(candidate.generator == "external")
        // Same seed, same answer, from the same still-running process.
        var again = SeededRandom(seed: 3)
        guard case .candidates(let repeated) = try await generator.propose(externalContext(), model: noModel, rng: &again) else {
            Issue.record("expected candidates")
            return
        }
        #expect(repeated == candidates)
        let hints = ["Answer with the label only.", "Think about the overall tone before answering.", "If unsure, pick the most likely label."]
        let all = hints.map { RejectedEdit(component: "systemPrompt", text: "Classify the sentiment.\n" + $0, generator: "external", reason: "rejected") }
        guard case .exhausted(let reason) = try await generator.propose(externalContext(rejected: all), model: noModel, rng: &rng) else {
            Issue.record("expected exhausted")
            return
        }
        #expect(reason == "every hint was tried")
        await generator.shutdown()
    }

    @Test func aCrashingScriptIsRestartedOnceThenReported() async throws {
        // Answers once per process, then dies: the first proposal works, the second needs the
        // one restart, the third finds the restart used up.
        let url = try script("""
            import sys, json
            sys.stdin.readline()
            print(json.dumps({"type": "nothing", "reason": "thinking"}), flush=True)
            sys.stderr.write("fatal: out of ideas\\n")
            sys.exit(7)
            """)
        defer { try? FileManager.default.removeItem(at: url) }
        let generator = ExternalGenerator(command: ["python3", url.path], timeout: 20)
        var rng = SeededRandom(seed: 1)
        for _ in 0..<2 {
            guard case .nothing(let reason) = try await generator.propose(externalContext(), model: noModel, rng: &rng) else {
                Issue.record("expected nothing")
                return
            }
            #expect(reason == "thinking")
        }
        await #expect(throws: ExternalGeneratorError.crashed(command: "python3 \(url.path)", status: 7, stderr: "fatal: out of ideas")) {
            _ = try await generator.propose(externalContext(), model: noModel, rng: &rng)
        }
    }

    @Test func malformedOutputNamesTheCommandAndTheLine() async throws {
        let url = try script("""
            import sys
            sys.stdin.readline()
            print("thinking about it...", flush=True)
            sys.stdin.readline()
            """)
        defer { try? FileManager.default.removeItem(at: url) }
        let generator = ExternalGenerator(command: ["python3", url.path], timeout: 20)
        var rng = SeededRandom(seed: 1)
        do {
            _ = try await generator.propose(externalContext(), model: noModel, rng: &rng)
            Issue.record("expected an error")
        } catch let error as ExternalGeneratorError {
            guard case .malformedOutput(let command, let line, _) = error else {
                Issue.record("expected malformed output, got \(error)")
                return
            }
            #expect(command == "python3 \(url.path)")
            #expect(line == "thinking about it...")
        }
        await generator.shutdown()
    }

    @Test func aSilentScriptTimesOut() async throws {
        let url = try script("import sys\nsys.stdin.readline()\nsys.stdin.readline()\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let generator = ExternalGenerator(command: ["python3", url.path], timeout: 0.5)
        var rng = SeededRandom(seed: 1)
        await #expect(throws: ExternalGeneratorError.timedOut(command: "python3 \(url.path)", seconds: 0.5)) {
            _ = try await generator.propose(externalContext(), model: noModel, rng: &rng)
        }
    }

    @Test func anUnknownMessageTypeIsMalformed() {
        guard case .failure(let problem) = ReplyMessage.decode("{\"type\":\"maybe\"}") else {
            Issue.record("expected a failure")
            return
        }
        #expect(problem.text.contains("unknown message type \"maybe\""))
        #expect(ReplyMessage.decode("{\"type\":\"error\",\"message\":\"bad\"}") == .success(.error("bad")))
    }
}
