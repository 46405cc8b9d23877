import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing
@testable import Evals

@Suite struct JudgeScorerTests {
    @Test(arguments: [
        ("SCORE: 7\nGood answer.", 0.7), ("Score = 9/10", 0.9), ("score: 0.25", 0.25), ("**Score:** 10", 1.0),
        ("4", 0.4), ("3/5", 0.6), ("I'd say SCORE: 0", 0.0),
    ])
    func parsesCommonScoreForms(reply: String, expected: Double) {
        #expect(JudgeScorer.parseScore(reply).map { abs($0 - expected) < 1e-9 } == true)
    }

    @Test(arguments: ["Great answer!", "SCORE: 12", "score: high", ""])
    func rejectsRepliesWithoutAScoreInRange(reply: String) {
        #expect(JudgeScorer.parseScore(reply) == nil)
    }

    @Test func gradesWithTheRubricAndKeepsAnUnparseableReply() async throws {
        let judge = ScriptedModelClient { request in
            request.messages.last?.content.contains("Response to grade:\nrefund sent") == true ? "SCORE: 8 — clear." : "It is fine I guess."
        }
        let environment = ScorerEnvironment(judge: judge, judgeModel: taskModel)
        let scorer = JudgeScorer(rubric: "Mentions the refund.", environment: environment)
        let good = try await scorer.score(output: "refund sent", item: item("a"))
        #expect(good.score == 0.8)
        #expect(good.passed == true)
        #expect(judge.calls[0].messages.last?.content.contains("Rubric:\nMentions the refund.") == true)
        do {
            _ = try await scorer.score(output: "something else", item: item("b"))
            Issue.record("an unparseable judge reply must be an error")
        } catch let error as ScorerError {
            #expect(error.raw == "It is fine I guess.")
        }
    }

    @Test func aJudgeWithoutAModelIsAnErrorNotAZero() async throws {
        await #expect(throws: ScorerError.self) {
            try await JudgeScorer(rubric: "r", environment: ScorerEnvironment()).score(output: "x", item: item("a"))
        }
    }

    @Test func journaledJudgeCallsAreFreeOnARerun() async throws {
        let directory = try Fixtures.temporaryDirectory("evals-judge")
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let spec = RunSpec(dedupeKey: "judge-test", seed: 1, profileName: "t", profileHash: "h", surface: "eval", generator: "none", config: .null, policy: .null)
        let run = try await store.openRun(spec, workerID: "w").run
        let judge = ScriptedModelClient { _ in "SCORE: 6" }
        for _ in 0..<2 {
            // A fresh journal per pass, as a rerun of the process would have.
            let environment = await ScorerEnvironment(judge: judge, judgeModel: taskModel, journal: try store.journal(runID: run.id, workerID: "w"))
            let result = try await JudgeScorer(rubric: "r", environment: environment).score(output: "x", item: item("a"))
            #expect(result.score == 0.6)
        }
        #expect(judge.callCount == 1)
    }
}

@Suite struct CommandScorerTests {
    func scorer(_ command: String, timeout: Double = 120) -> CommandScorer {
        CommandScorer(arguments: [command], timeoutSeconds: timeout, environment: ScorerEnvironment())
    }

    @Test func readsJSONOnStdinAndReturnsTheScoreItPrints() async throws {
        // The script echoes the output's length as evidence it read the payload.
        let command = #"python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({"score": 1 if d["output"]==d["expected"] else 0.25, "passed": d["output"]==d["expected"], "feedback": "saw " + d["id"] + " " + d["fields"]["input"]}))'"#
        let right = try await scorer(command).score(output: "42", item: item("q1", "six times seven", expected: "42"))
        #expect(right == ScoreResult(score: 1, passed: true, feedback: "saw q1 six times seven"))
        let wrong = try await scorer(command).score(output: "41", item: item("q1", "six times seven", expected: "42"))
        #expect(wrong.score == 0.25)
        #expect(wrong.passed == false)
    }

    // The hung command would run for ten minutes: a timeout that fails to kill it (SIGTERM is
    // blocked in children Foundation spawns) now fails the test instead of passing late.
    @Test(.timeLimit(.minutes(1)))
    func badJSONNonZeroExitAndTimeoutAreErrors() async throws {
        do {
            _ = try await scorer("echo not-json").score(output: "x", item: item("a"))
            Issue.record("bad JSON must be an error")
        } catch let error as ScorerError {
            #expect(error.raw == "not-json\n")
        }
        do {
            _ = try await scorer("echo oops >&2; exit 3").score(output: "x", item: item("a"))
            Issue.record("a failing command must be an error")
        } catch let error as ScorerError {
            #expect(error.problem.contains("status 3"))
            #expect(error.problem.contains("oops"))
        }
        do {
            _ = try await scorer(#"echo '{"score": 1.5}'"#).score(output: "x", item: item("a"))
            Issue.record("a score outside [0, 1] must be an error")
        } catch is ScorerError {}
        do {
            _ = try await scorer("exec sleep 600", timeout: 0.3).score(output: "x", item: item("a"))
            Issue.record("a hung command must time out")
        } catch let error as ScorerError {
            #expect(error.problem.contains("did not finish"))
        }
    }

    @Test func commandConfigFromTheSuiteRunsInTheSuiteDirectory() async throws {
        let fixture = try SuiteFixture()
        try fixture.write("grade.sh", "#!/bin/sh\ncat > /dev/null\necho '{\"score\": 0.5, \"passed\": false, \"feedback\": \"half\"}'\n")
        let suite = try fixture.load("items:\n  - id: a\n    input: x\nscorers:\n  - type: command\n    command: [sh, grade.sh]\n    timeout: 5\n")
        let composite = try CompositeScorer(configs: suite.scorers, environment: ScorerEnvironment(workingDirectory: suite.directory))
        let (result, dimensions) = try await composite.score(output: "x", item: suite.items[0])
        #expect(result.score == 0.5)
        #expect(dimensions == ["command": 0.5])
    }
}
