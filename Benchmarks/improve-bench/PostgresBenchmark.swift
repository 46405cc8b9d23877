// improve-bench postgres: figures for the PostgreSQL store and distributed workers, printed,
// never asserted. Needs IMPROVE_PG_URL and PGPASSWORD (eval "$(scripts/postgres start)") and a
// built improve-cli beside improve-bench.
//
//   claim+complete   sequential journal steps with a ledger row each, PostgreSQL vs SQLite
//   workers          model calls a coordinator dispatches to 1, 2 and 4 `improve-cli worker`
//                    processes (16 lanes each) against a loopback stub answering after 100 ms;
//                    ideal = 16 calls per 100 ms per worker
import Foundation
import ImproveCore
import ImprovePostgres
import ImproveSQLite
import ImproveTestSupport

func postgresBenchmark(steps: Int, rounds: Int) async throws {
    guard let url = ProcessInfo.processInfo.environment["IMPROVE_PG_URL"] else {
        fail("IMPROVE_PG_URL is not set; run eval \"$(scripts/postgres start)\" first")
    }
    let location = try PostgresLocation(parsing: url)
    let clock = ContinuousClock()

    // 1. claim + complete, both backends, the same journal loop.
    let store = try await PostgresRunStore.open(location)
    defer { store.close() }
    let key = "bench/\(UUID().uuidString)"
    let runID = try await store.openRun(spec(key), workerID: "bench").run.id
    let postgresSeconds = try await journalSteps(try await store.stepJournal(runID: runID, workerID: "bench"), steps: steps, clock: clock)
    try await store.finishRun(id: runID, state: .completed, result: nil, failure: nil)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("improve-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let sqlite = try SQLiteRunStore(path: directory.appendingPathComponent("bench.sqlite").path)
    let sqliteJournal = try await sqlite.journal(runID: try await sqlite.openRun(spec(key), workerID: "bench").run.id, workerID: "bench")
    let sqliteSeconds = try await journalSteps(sqliteJournal, steps: steps, clock: clock)
    print(String(format: "claim+complete: %d steps: PostgreSQL %.0f pairs/s (%.2f ms each), SQLite %.0f pairs/s (%.2f ms each)",
                 steps, Double(steps) / postgresSeconds, postgresSeconds * 1000 / Double(steps),
                 Double(steps) / sqliteSeconds, sqliteSeconds * 1000 / Double(steps)))

    // 2. workers against a 100 ms stub.
    let stub = try await StubModelServer.start(responder: StubModelServer.hashedAnswer(delay: .milliseconds(100)))
    defer { Task { await stub.stop() } }
    let providers = directory.appendingPathComponent("providers.yaml")
    try Data("providers:\n  stub:\n    kind: openai\n    baseURL: \(stub.baseURL.absoluteString)\n    concurrency: 16\n".utf8).write(to: providers)
    let lanes = 16
    var single: Double?
    for workers in [1, 2, 4] {
        let policy = Policy(allowedModels: AllowedModels(["stub/*"]))
        let run = try await store.openRun(
            RunSpec(dedupeKey: "bench-workers/\(UUID().uuidString)", seed: 1, profileName: "bench", profileHash: "bench", surface: "prompt",
                    generator: "bench", config: [:], policy: try JSONValue(encoding: policy)), workerID: "coordinator").run
        var children: [CLIProcess] = []
        for index in 0..<workers {
            children.append(try CLIProcess(
                ["worker", "--store", url, "--run", run.id, "--concurrency", String(lanes), "--providers", providers.path, "--worker-id", "bench-\(index)"],
                in: directory))
        }
        let coordinator = JournaledModelClient(
            UnreachableBenchModel(), journal: try await store.dispatchingJournal(runID: run.id, workerID: "coordinator"))
        let model = ModelSpec(provider: "stub", id: "bench", maxTokens: 8)
        let inFlight = workers * lanes
        // Warm-up (not timed): every worker connects and takes calls.
        try await dispatch(coordinator, model: model, label: "warm", count: inFlight, inFlight: inFlight)
        let calls = inFlight * rounds
        let started = clock.now
        try await dispatch(coordinator, model: model, label: "timed", count: calls, inFlight: inFlight)
        let elapsed = seconds(clock.now - started)
        for child in children { child.process.terminate() }
        for child in children { _ = await child.wait() }
        try await store.finishRun(id: run.id, state: .completed, result: ["calls": .number(Double(calls))], failure: nil)
        let ideal = Double(rounds) * 0.1
        let rate = Double(calls) / elapsed
        single = single ?? rate
        print(String(format: "workers: %d x %d lanes, %d calls at 100 ms: %.2f s (ideal %.2f s), %.0f calls/s = %.0f%% of ideal, %.2fx one worker",
                     workers, lanes, calls, elapsed, ideal, rate, 100 * ideal / elapsed, rate / (single ?? rate)))
    }
}

/// Seconds for `steps` sequential fresh journal steps, each with a ledger row.
func journalSteps(_ journal: any StepJournal, steps: Int, clock: ContinuousClock) async throws -> Double {
    let charge = LedgerCharge(model: "local/bench", inputTokens: 40, outputTokens: 2, cost: 0)
    let started = clock.now
    for index in 0..<steps {
        _ = try await journal.step(.modelCall, name: nil, signature: ["i": .number(Double(index))], as: String.self) {
            StepOutput("answer-\(index)", charge: charge)
        }
    }
    return seconds(clock.now - started)
}

/// Issues `count` distinct calls with at most `inFlight` at a time.
func dispatch(_ client: any ModelClient, model: ModelSpec, label: String, count: Int, inFlight: Int) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<count {
            if index >= inFlight { try await group.next() }
            group.addTask {
                _ = try await client.complete(ChatRequest(model: model, messages: [.user("\(label) \(index) \(UUID().uuidString)")]))
            }
        }
        try await group.waitForAll()
    }
}

/// The coordinator's own client: never called, since its calls are dispatched.
struct UnreachableBenchModel: ModelClient {
    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        fail("the coordinator called the model itself instead of dispatching \(request.model.qualifiedName)")
    }
}
