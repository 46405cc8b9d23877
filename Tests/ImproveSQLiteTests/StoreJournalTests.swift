import Foundation
import GRDB
@testable import ImproveCore
@testable import ImproveSQLite
import ImproveTestSupport
import Testing

@Suite("Store: step journal")
struct StoreJournalTests {
    private func charge(_ tokens: Int = 10) -> LedgerCharge {
        LedgerCharge(model: "local/smollm2", inputTokens: tokens, outputTokens: 2, cost: 0.001)
    }

    @Test func eightConnectionsClaimingOneStepRunItsBodyOnce() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("improve.sqlite")
        let runID = try await SQLiteRunStore(path: path).openRun(sampleSpec(), workerID: "setup").run.id
        let stores = try (0..<8).map { _ in try SQLiteRunStore(path: path) }
        let bodies = Counter()
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for (index, store) in stores.enumerated() {
                let journal = try await store.journal(runID: runID, workerID: "worker-\(index)")
                group.addTask {
                    try await journal.step(.modelCall, signature: ["prompt": "hello"], as: String.self) {
                        bodies.increment()
                        // Stands in for a model call, so the other seven meet a live claim.
                        try await Task.sleep(nanoseconds: 50_000_000)
                        return StepOutput("answer from worker-\(index)", charge: charge())
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies.value == 1)
        #expect(values.count == 8)
        #expect(Set(values).count == 1)
        let store = try SQLiteRunStore(path: path, mode: .readOnly)
        #expect(try await store.run(id: runID)?.paidSteps == 1)
        #expect(try await store.steps(runID: runID).map(\.state) == ["completed"])
    }

    @Test func concurrentCompletionsWriteOneLedgerRow() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("improve.sqlite")
        let runID = try await SQLiteRunStore(path: path).openRun(sampleSpec(), workerID: "setup").run.id
        let first = try SQLiteRunStore(path: path)
        let second = try SQLiteRunStore(path: path)
        let request = SQLiteRunStore.StepRequest(
            runID: runID, checkpoint: "c#1", kind: .modelCall, signatureHash: "h", signatureJSON: "{}", workerID: "w")
        // The same worker id restarting takes its claim back at once: two live claims on one step.
        guard case .claimed(let claimA) = try await first.claim(request),
            case .claimed(let claimB) = try await second.claim(request)
        else {
            Issue.record("both claims should succeed")
            return
        }
        #expect(claimB.attempt == claimA.attempt + 1)
        async let a = first.complete(claimA, runID: runID, workerID: "w", result: Data("\"A\"".utf8), charge: charge(1))
        async let b = second.complete(claimB, runID: runID, workerID: "w", result: Data("\"B\"".utf8), charge: charge(2))
        let outcomes = try await [a, b]
        let accepted = outcomes.filter { if case .accepted = $0 { return true } else { return false } }
        #expect(accepted.count == 1)
        #expect(try await first.run(id: runID)?.paidSteps == 1)
        let summary = try await first.summary(runID: runID, lastEvents: 0)
        #expect(summary.ledgerByModel.count == 1)
    }

    @Test func aLiveLeaseIsHonouredAndAnExpiredOneIsReclaimed() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("improve.sqlite")
        let runID = try await SQLiteRunStore(path: path).openRun(sampleSpec(), workerID: "setup").run.id
        let longLease = try SQLiteRunStore(path: path, leaseDuration: 3600)
        let shortLease = try SQLiteRunStore(path: path, leaseDuration: 0.05)
        let other = try SQLiteRunStore(path: path, leaseDuration: 60)
        func request(_ checkpoint: String, worker: String) -> SQLiteRunStore.StepRequest {
            .init(runID: runID, checkpoint: checkpoint, kind: .modelCall, signatureHash: "h", signatureJSON: "{}", workerID: worker)
        }
        // A crashed worker's claims: one with an hour left, one that lapses almost at once.
        guard case .claimed = try await longLease.claim(request("live#1", worker: "crashed")),
            case .claimed = try await shortLease.claim(request("lapsing#1", worker: "crashed"))
        else {
            Issue.record("setup claims failed")
            return
        }
        guard case .wait = try await other.claim(request("live#1", worker: "survivor")) else {
            Issue.record("a live lease held by another worker must not be taken")
            return
        }
        let reclaimed = try await eventually {
            if case .claimed = try await other.claim(request("lapsing#1", worker: "survivor")) { return true }
            return false
        }
        #expect(reclaimed)
        let steps = try await other.steps(runID: runID)
        let lapsing = try #require(steps.first { $0.checkpoint == "lapsing#1" })
        #expect(lapsing.attempts == 2)
        #expect(lapsing.workerID == "survivor")
        #expect(steps.first { $0.checkpoint == "live#1" }?.workerID == "crashed")
        // The retaken call is flagged: the crashed worker's attempt may have been paid unrecorded.
        #expect(try await other.summary(runID: runID, lastEvents: 0).reattemptedPaidSteps == 1)
    }

    @Test func aLongBodyKeepsItsClaimPastTheFirstLease() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("improve.sqlite")
        let runID = try await SQLiteRunStore(path: path).openRun(sampleSpec(), workerID: "setup").run.id
        let lease = 1.0
        let journal = try await SQLiteRunStore(path: path, leaseDuration: lease).stepJournal(runID: runID, workerID: "slow")
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let signature: JSONValue = ["prompt": "slow"]
        let slow = Task {
            try await journal.step(.modelCall, signature: signature, as: Int.self) {
                for await _ in release { break }
                return StepOutput(1, charge: LedgerCharge(model: "local/smollm2", inputTokens: 1, outputTokens: 1, cost: 0))
            }
        }
        let reader = try DatabaseQueue(path: path)
        func expiry() throws -> Double? {
            try reader.read { try Double.fetchOne($0, sql: "SELECT lease_expires_at FROM steps WHERE state = 'running'") }
        }
        #expect(try await eventually { try expiry() != nil })
        let first = try #require(try expiry())
        // An expiry beyond first + lease was written after `first`, the original deadline: the
        // journal renewed the claim while its body ran. (Whether another worker then waits is
        // the live-lease test above; asserting it here would race the renewal against a busy pool.)
        // A generous wait: the renewal loop ticks every third of a lease, but on a machine at a
        // load average of 10 it was seen to take over 10 s to be scheduled.
        #expect(try await eventually(timeout: 60) { (try expiry() ?? 0) > first + lease })
        releaser.finish()
        #expect(try await slow.value == 1)
        #expect(journal.executedBodies == 1)
        let step = try #require(try await SQLiteRunStore(path: path).steps(runID: runID).first)
        #expect(step.state == "completed" && step.attempts == 1)
    }

    @Test func aWaitingJournalTakesOverOnceTheLeaseLapses() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("improve.sqlite")
        let runID = try await SQLiteRunStore(path: path).openRun(sampleSpec(), workerID: "setup").run.id
        let crashed = try SQLiteRunStore(path: path, leaseDuration: 0.1)
        let signature: JSONValue = ["prompt": "x"]
        let checkpoint = try ContentHash.of(signature) + "#1"
        _ = try await crashed.claim(.init(
            runID: runID, checkpoint: checkpoint, kind: .modelCall, signatureHash: try ContentHash.of(signature),
            signatureJSON: try CanonicalJSON.string(signature), workerID: "crashed"))
        let journal = try await SQLiteRunStore(path: path).stepJournal(runID: runID, workerID: "survivor")
        let value = try await journal.step(.modelCall, signature: signature, as: Int.self) { StepOutput(7, charge: charge()) }
        #expect(value == 7)
        #expect(journal.executedBodies == 1)
        // The crashed worker, had it come back with an answer, would now replay the survivor's.
        #expect(try await crashed.steps(runID: runID).first?.state == "completed")
    }

    @Test func completedStepsReplayWithoutRunningTheirBodies() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        let runID = try await store.openRun(sampleSpec(), workerID: "w").run.id
        let bodies = Counter()
        func job(_ journal: any StepJournal) async throws -> [String] {
            var out: [String] = []
            // The same signature twice is two steps (occurrences #1 and #2).
            for prompt in ["a", "b", "a"] {
                out.append(try await journal.step(.modelCall, signature: ["prompt": .string(prompt)], as: String.self) {
                    bodies.increment()
                    return StepOutput("\(prompt)-\(bodies.value)", charge: charge())
                })
            }
            return out
        }
        let first = try await job(try store.journal(runID: runID, workerID: "w"))
        #expect(bodies.value == 3)
        #expect(first == ["a-1", "b-2", "a-3"])
        let resumed = try await job(try SQLiteRunStore(path: store.path).journal(runID: runID, workerID: "w2"))
        #expect(resumed == first)
        #expect(bodies.value == 3)
        #expect(try await store.run(id: runID)?.paidSteps == 3)
        #expect(try await store.steps(runID: runID).map(\.checkpoint).filter { $0.hasSuffix("#2") }.count == 1)
    }

    @Test func aChangedSignatureAtANamedCheckpointIsAnError() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        let runID = try await store.openRun(sampleSpec(), workerID: "w").run.id
        let original = try await store.journal(runID: runID, workerID: "w")
        _ = try await original.step(.proposal, name: "proposal/iteration-1", signature: ["parent": "p1"], as: String.self) {
            StepOutput("child")
        }
        let resumed = try await store.journal(runID: runID, workerID: "w")
        let changed: JSONValue = ["parent": "p2"]
        await #expect(throws: StoreError.signatureMismatch(
            runID: runID, checkpoint: "proposal/iteration-1#1",
            stored: try ContentHash.of(["parent": "p1"] as JSONValue), given: try ContentHash.of(changed))
        ) {
            _ = try await resumed.step(.proposal, name: "proposal/iteration-1", signature: changed, as: String.self) {
                StepOutput("other child")
            }
        }
    }

    @Test func aFailedBodyIsRecordedRedactedAndRetriedOnResume() async throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "HTTP 500 with key sk-live-secret-123" } }
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"), redactor: Redactor(secrets: ["sk-live-secret-123"]))
        let runID = try await store.openRun(sampleSpec(), workerID: "w").run.id
        await #expect(throws: Boom.self) {
            _ = try await store.journal(runID: runID, workerID: "w").step(.modelCall, signature: ["p": 1], as: Int.self) {
                throw Boom()
            }
        }
        let failed = try #require(try await store.steps(runID: runID).first)
        #expect(failed.state == "failed")
        #expect(failed.error?.contains("[REDACTED]") == true)
        #expect(failed.error?.contains("sk-live") == false)
        #expect(try await store.run(id: runID)?.paidSteps == 0)

        let value = try await store.journal(runID: runID, workerID: "w").step(.modelCall, signature: ["p": 1], as: Int.self) {
            StepOutput(5, charge: charge())
        }
        #expect(value == 5)
        let retried = try #require(try await store.steps(runID: runID).first)
        #expect(retried.state == "completed")
        #expect(retried.attempts == 2)
        #expect(retried.error == nil)
    }

    @Test func scorerStepsAreJournaledToo() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        let runID = try await store.openRun(sampleSpec(), workerID: "w").run.id
        let calls = Counter()
        for _ in 0..<2 {
            let journal = try await store.journal(runID: runID, workerID: "w")
            let score = try await journal.scored(scorer: "judge", input: ["output": "positive"], as: Double.self) {
                calls.increment()
                return StepOutput(0.75, charge: charge())
            }
            #expect(score == 0.75)
        }
        #expect(calls.value == 1)
        #expect(try await store.steps(runID: runID).map(\.kind) == ["scorer"])
    }
}
