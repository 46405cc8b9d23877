import Synchronization
import Foundation
import ImproveCore
import ImprovePostgres
import ImproveTestSupport
import Testing

@Suite("PostgreSQL store: journal and queue", .enabled(if: PostgresTestServer.shouldRun, "IMPROVE_PG_URL is not set; start PostgreSQL with scripts/postgres"))
struct PostgresStoreTests {
    @Test func aWrongPasswordFailsAtOnceWithTheServersReasonAndWithoutThePassword() async throws {
        let location = try PostgresLocation(parsing: try PostgresTestServer.require())
        let wrong = "not-the-password-\(UUID().uuidString)"
        await #expect {
            _ = try await PostgresRunStore.open(location, environment: ["PGPASSWORD": wrong], redactor: Redactor(secrets: [wrong]))
        } throws: { error in
            let text = String(describing: error)
            return text.contains("28P01") && !text.contains(wrong) && text.contains(location.description)
        }
    }

    @Test func eightJournalsClaimingOneStepRunItsBodyOnce() async throws {
        let store = try await openTestStore()
        defer { store.close() }
        let runID = try await store.openRun(try uniqueSpec("claim-once"), workerID: "setup").run.id
        let bodies = Counter()
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 {
                let journal = try await store.stepJournal(runID: runID, workerID: "worker-\(index)")
                group.addTask {
                    try await journal.step(.modelCall, signature: ["prompt": "hello"], as: String.self) {
                        bodies.increment()
                        // Stands in for a model call, so the other seven meet a live claim.
                        try await Task.sleep(nanoseconds: 50_000_000)
                        return StepOutput("answer from worker-\(index)", charge: LedgerCharge(model: "local/stub", inputTokens: 1, outputTokens: 1, cost: 0.01))
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies.value == 1)
        #expect(Set(values).count == 1)
        #expect(try await store.run(id: runID)?.paidSteps == 1)
    }

    @Test func aNewJournalReplaysAndAChangedSignatureIsRefused() async throws {
        let store = try await openTestStore()
        defer { store.close() }
        let runID = try await store.openRun(try uniqueSpec("replay"), workerID: "w").run.id
        let first = try await store.stepJournal(runID: runID, workerID: "w")
        let value = try await first.step(.proposal, name: "proposal/1", signature: ["v": 1], as: Int.self) { StepOutput(7) }
        let second = try await store.stepJournal(runID: runID, workerID: "w")
        let replayed = try await second.step(.proposal, name: "proposal/1", signature: ["v": 1], as: Int.self) { StepOutput(8) }
        #expect(value == 7 && replayed == 7)
        await #expect(throws: StoreError.self) {
            try await store.stepJournal(runID: runID, workerID: "w").step(.proposal, name: "proposal/1", signature: ["v": 2], as: Int.self) { StepOutput(9) }
        }
    }

    @Test func dispatchedCallsRunOnAWorkerOnceAndLedgerOnce() async throws {
        let store = try await openTestStore()
        defer { store.close() }
        let (runID, coordinator) = try await coordinator(on: store, "dispatch")
        let model = EchoModel()
        let worker = PostgresWorker(store: store, workerID: "worker-1", concurrency: 4, runID: runID, makeClient: { _ in model })
        let working = Task { await worker.run() }
        defer { working.cancel() }
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<6 { group.addTask { try await coordinator.complete(chat("item \(index)")).text } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(answers) == Set((0..<6).map { "echo: item \($0)" }))
        #expect(model.callCount == 6)
        #expect(try await store.run(id: runID)?.paidSteps == 6)
        // A second coordinator journal (a resumed run) replays from the store: no worker needed.
        working.cancel()
        let resumed = JournaledModelClient(
            UnreachableModel(), journal: try await store.dispatchingJournal(runID: runID, workerID: "coordinator"))
        #expect(try await resumed.complete(chat("item 3")).text == "echo: item 3")
        #expect(model.callCount == 6)
    }

    @Test func concurrentClaimsTakeDisjointStepsAndALapsedLeaseIsReclaimed() async throws {
        let store = try await openTestStore(lease: 0.5)
        defer { store.close() }
        let (runID, coordinator) = try await coordinator(on: store, "skip-locked")
        let waiting = Task {
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<10 { group.addTask { try await coordinator.complete(chat("q\(index)")).text } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(try await eventually { try await store.summary(runID: runID, lastEvents: 0).steps.map(\.count).reduce(0, +) == 10 })
        async let a = store.claimQueued(workerID: "a", limit: 5, runID: runID)
        async let b = store.claimQueued(workerID: "b", limit: 5, runID: runID)
        let (claimedA, claimedB) = try await (a, b)
        let idsA = Set(claimedA.map(\.claim.checkpoint)), idsB = Set(claimedB.map(\.claim.checkpoint))
        #expect(idsA.count == 5 && idsB.count == 5 && idsA.isDisjoint(with: idsB))
        // Worker "a" dies holding its five; "b" completes its own. After the lease, "c" takes a's.
        for step in claimedB {
            try await store.completeQueued(step, workerID: "b", result: try JSONEncoder().encode(ChatResponse(text: "b", servedModel: "stub")), charge: nil)
        }
        var reclaimed: [QueuedStep] = []
        #expect(try await eventually {
            reclaimed += try await store.claimQueued(workerID: "c", limit: 10, runID: runID)
            return reclaimed.count == 5
        })
        #expect(Set(reclaimed.map(\.claim.checkpoint)) == idsA)
        for step in reclaimed {
            try await store.completeQueued(step, workerID: "c", result: try JSONEncoder().encode(ChatResponse(text: "c", servedModel: "stub")), charge: nil)
        }
        #expect(try await waiting.value.sorted() == Array(repeating: "b", count: 5) + Array(repeating: "c", count: 5))
    }

    @Test func aWorkerRefusesAModelTheRunsPolicyDoesNotAllow() async throws {
        let store = try await openTestStore()
        defer { store.close() }
        // The coordinator's own guard would refuse first; a row written around it is refused by the worker too.
        let (runID, coordinator) = try await coordinator(on: store, "policy", allowed: ["local/allowed"])
        let model = EchoModel()
        let worker = PostgresWorker(store: store, workerID: "worker-1", concurrency: 1, runID: runID, makeClient: { _ in model })
        let working = Task { await worker.run() }
        defer { working.cancel() }
        await #expect {
            _ = try await coordinator.complete(chat("hello", model: "forbidden"))
        } throws: { error in
            String(describing: error).contains("local/forbidden")
        }
        #expect(model.callCount == 0)
        #expect(try await store.run(id: runID)?.paidSteps == 0)
    }
}

@Suite("PostgreSQL store: workers with different providers", .enabled(if: PostgresTestServer.shouldRun, "IMPROVE_PG_URL is not set; start PostgreSQL with scripts/postgres"))
struct PostgresWorkerProvidersTests {
    struct CannotServe: Error, CustomStringConvertible {
        var description: String { "no provider for it in this worker's providers.yaml" }
    }

    @Test func aCallOneWorkerCannotServeIsLeftToAnother() async throws {
        let store = try await openTestStore()
        defer { store.close() }
        let (runID, coordinator) = try await coordinator(on: store, "providers")
        let notes = NoteLog()
        let unable = PostgresWorker(
            store: store, workerID: "unable", concurrency: 2, runID: runID, makeClient: { _ in throw CannotServe() }, note: { notes.add($0) })
        let unableWorking = Task { await unable.run() }
        defer { unableWorking.cancel() }
        // Only the unable worker runs at first: it hands the call back and notes why.
        let answer = Task { try await coordinator.complete(chat("special")).text }
        #expect(try await eventually { notes.contains("cannot serve local/stub") })
        let model = EchoModel()
        let able = PostgresWorker(store: store, workerID: "able", concurrency: 2, runID: runID, makeClient: { _ in model })
        let ableWorking = Task { await able.run() }
        defer { ableWorking.cancel() }
        #expect(try await answer.value == "echo: special")
        #expect(await unable.completedSteps() == 0)
        #expect(try await store.run(id: runID)?.paidSteps == 1)
    }
}

/// Notes a worker printed.
final class NoteLog: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    func contains(_ text: String) -> Bool { lines.withLock { $0.contains { $0.contains(text) } } }
}

@Suite("PostgreSQL store: the gate before dispatched calls", .enabled(if: PostgresTestServer.shouldRun, "IMPROVE_PG_URL is not set; start PostgreSQL with scripts/postgres"))
struct PostgresDispatchGateTests {
    struct CeilingReached: Error {}

    @Test func newCallsPassTheGateAndAreRefusedBeforeEnqueueingWhileReplaysPassBy() async throws {
        let store = try await openTestStore()
        defer { store.close() }
        let passed = Counter()
        // Stands in for a spend ceiling of two calls.
        store.gateDispatches { call in
            passed.increment()
            guard passed.value <= 2 else { throw CeilingReached() }
            return try await call()
        }
        let (runID, coordinator) = try await coordinator(on: store, "gate")
        let model = EchoModel()
        let worker = PostgresWorker(store: store, workerID: "worker-1", concurrency: 2, runID: runID, makeClient: { _ in model })
        let working = Task { await worker.run() }
        defer { working.cancel() }
        #expect(try await coordinator.complete(chat("one")).text == "echo: one")
        #expect(try await coordinator.complete(chat("two")).text == "echo: two")
        await #expect(throws: CeilingReached.self) { _ = try await coordinator.complete(chat("three")) }
        #expect(try await store.steps(runID: runID).count == 2, "the refused call was never enqueued")
        // A resumed coordinator replays the two answers without passing the gate again.
        let resumed = JournaledModelClient(UnreachableModel(), journal: try await store.dispatchingJournal(runID: runID, workerID: "coordinator"))
        #expect(try await resumed.complete(chat("two")).text == "echo: two")
        #expect(passed.value == 3)
        #expect(model.callCount == 2)
    }
}
