import Foundation
import ImproveCore
import ImproveSQLite
import Testing

@Suite("Store: runs, candidates, evaluations, events")
struct StoreRunsTests {
    @Test func sameDedupeKeyJoinsTheExistingRun() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("improve.sqlite")
        let first = try await SQLiteRunStore(path: path).openRun(sampleSpec(), workerID: "a")
        // A second process (another connection) opening the same key joins.
        let second = try await SQLiteRunStore(path: path).openRun(sampleSpec(), workerID: "b")
        #expect(!first.joined)
        #expect(second.joined)
        #expect(first.run.id == second.run.id)
        #expect(first.run.id == SQLiteRunStore.runID(forDedupeKey: "nightly/sentiment"))
        #expect(first.run.id.hasPrefix("run-") && first.run.id.count == 16)
        #expect(second.run.spec == sampleSpec())
        let other = try await SQLiteRunStore(path: path).openRun(sampleSpec("nightly/other"), workerID: "a")
        #expect(other.run.id != first.run.id)
        #expect(!other.joined)
    }

    @Test func seedsAboveInt64SurviveTheRoundTrip() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("s.sqlite"))
        var spec = sampleSpec()
        spec.seed = UInt64.max - 1
        let run = try await store.openRun(spec, workerID: "w").run
        #expect(try await store.run(id: run.id)?.spec.seed == UInt64.max - 1)
    }

    @Test func resumingAnUnknownRunNamesTheStore() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        await #expect(throws: StoreError.unknownRun(id: "run-nope", store: store.location)) {
            _ = try await store.resumeRun(id: "run-nope", workerID: "w")
        }
        #expect(StoreError.unknownRun(id: "run-nope", store: store.location).description.contains(store.location))
        await #expect(throws: StoreError.unknownRun(id: "run-nope", store: store.location)) {
            _ = try await store.journal(runID: "run-nope", workerID: "w")
        }
    }

    @Test func interruptedRunsResumeAndCompletedOnesDoNot() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        let run = try await store.openRun(sampleSpec(), workerID: "w").run
        try await store.finishRun(id: run.id, state: .interrupted, result: nil, failure: "killed")
        #expect(try await store.run(id: run.id)?.state == .interrupted)
        #expect(try await store.resumeRun(id: run.id, workerID: "w2").state == .running)
        try await store.finishRun(id: run.id, state: .completed, result: ["verdict": "ship"], failure: nil)
        #expect(try await store.run(id: run.id)?.result == ["verdict": "ship"])
        await #expect(throws: StoreError.runNotResumable(id: run.id, state: "completed")) {
            _ = try await store.resumeRun(id: run.id, workerID: "w3")
        }
    }

    @Test func candidatesEvaluationsAndEventsAreRecordedOnce() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        let run = try await store.openRun(sampleSpec(), workerID: "w").run
        let seed = Candidate(components: ["systemPrompt": "Classify."], generator: "seed")
        let child = Candidate(components: ["systemPrompt": "Answer positive or negative."], parents: [seed.id], generator: "reflective")
        try await store.recordCandidate(runID: run.id, seed)
        try await store.recordCandidate(runID: run.id, seed)
        try await store.recordCandidate(runID: run.id, child)
        let records = [
            EvaluationRecord(candidateID: seed.id, itemID: "1", split: .search, score: 0, passed: false, feedback: "wrong"),
            EvaluationRecord(candidateID: seed.id, itemID: "1", split: .holdout, score: 1, passed: true, feedback: ""),
            EvaluationRecord(candidateID: child.id, itemID: "1", split: .search, score: 1, passed: nil, feedback: ""),
        ]
        try await store.recordEvaluations(runID: run.id, records)
        try await store.recordEvaluations(runID: run.id, records)
        for index in 0..<5 {
            try await store.appendEvent(runID: run.id, kind: .generation, payload: ["index": .number(Double(index))])
        }
        let summary = try await store.summary(runID: run.id, lastEvents: 3)
        #expect(summary.candidates == 2)
        #expect(summary.evaluations == 3)
        #expect(summary.lastEvents.map(\.payload) == [["index": 2], ["index": 3], ["index": 4]])
        #expect(summary.lastEvents.map(\.sequence) == summary.lastEvents.map(\.sequence).sorted())
        await #expect(throws: StoreError.unknownRun(id: "run-x", store: store.location)) {
            _ = try await store.summary(runID: "run-x", lastEvents: 1)
        }
    }

    @Test func listsRunsNewestFirst() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        let older = try await store.openRun(sampleSpec("a"), workerID: "w").run
        let newer = try await store.openRun(sampleSpec("b"), workerID: "w").run
        try await store.appendEvent(runID: newer.id, kind: .session, payload: nil)
        #expect(try await store.listRuns(limit: 10).map(\.id) == [newer.id, older.id])
        #expect(try await store.listRuns(limit: 1).map(\.id) == [newer.id])
    }
}
