import Foundation
import ImproveCore
import ImproveSQLite
import Testing

@Suite("Store: candidate listing")
struct StoreCandidatesTests {
    @Test func candidatesComeBackInRecordedOrderWithTheirMeanScores() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        let run = try await store.openRun(sampleSpec(), workerID: "w").run
        let seed = Candidate(components: ["systemPrompt": "Classify."], generator: "seed")
        let child = Candidate(components: ["systemPrompt": "Classify the sentiment."], parents: [seed.id], generator: "reflective", rationale: "name the task")
        try await store.recordCandidate(runID: run.id, seed)
        try await store.recordCandidate(runID: run.id, child)
        try await store.recordCandidate(runID: run.id, seed)  // recorded again by a resumed run: still once
        try await store.recordEvaluations(runID: run.id, [
            EvaluationRecord(candidateID: seed.id, itemID: "a", split: .search, score: 1, passed: true, feedback: ""),
            EvaluationRecord(candidateID: seed.id, itemID: "b", split: .search, score: 0, passed: false, feedback: ""),
            EvaluationRecord(candidateID: child.id, itemID: "a", split: .search, score: 1, passed: true, feedback: ""),
            EvaluationRecord(candidateID: child.id, itemID: "h", split: .holdout, score: 0.25, passed: nil, feedback: ""),
        ])
        let other = try await store.openRun(sampleSpec("nightly/other"), workerID: "w").run
        try await store.recordEvaluations(runID: other.id, [EvaluationRecord(candidateID: seed.id, itemID: "a", split: .search, score: 0, passed: false, feedback: "")])

        let listed = try await store.candidates(runID: run.id)
        #expect(listed.map(\.id) == [seed.id, child.id])
        #expect(listed.map(\.candidate) == [seed, child])
        #expect(listed[0].searchScore == 0.5 && listed[0].searchItems == 2 && listed[0].holdoutScore == nil)
        #expect(listed[1].searchScore == 1 && listed[1].searchItems == 1 && listed[1].holdoutScore == 0.25)
        #expect(try await store.candidates(runID: other.id).isEmpty)
        await #expect(throws: StoreError.unknownRun(id: "run-nope", store: store.location)) { _ = try await store.candidates(runID: "run-nope") }
    }
}
