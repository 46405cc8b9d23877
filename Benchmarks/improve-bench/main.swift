// improve-bench: figures for the durable step store, printed, never asserted.
//
// usage: improve-bench store [steps] [model-calls]
//        improve-bench postgres [steps] [rounds]            (see PostgresBenchmark.swift)
//        improve-bench space [profile-dir] [seeds] [target]   (see SpaceBenchmark.swift)
//        improve-bench agents [units] [stub-ms]               (see AgentBenchmark.swift)
//
//   claim+complete   sequential journal steps with a ledger row each, on a WAL file store
//   sqlite floor     the same SQL per step issued straight through GRDB: what SQLite alone
//                    costs here, so the journal's own overhead is a ratio from one run
//   replay           the same steps looked up again by a new journal (a resumed run)
//   disk             bytes of the store file (after a WAL checkpoint) per 10,000 steps
//   journal share    model calls against a loopback stub answering after 50 ms, raw and
//                    journaled, in one run: (journaled - raw) / journaled
//
// Build it in release mode for meaningful figures:
//   swift build -c release --product improve-bench && .build/release/improve-bench store
import Foundation
import GRDB
import ImproveCore
import ImproveSQLite
import ImproveTestSupport

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("improve-bench: \(message)\n".utf8))
    exit(1)
}

func spec(_ key: String) -> RunSpec {
    RunSpec(dedupeKey: key, seed: 1, profileName: "bench", profileHash: "bench", surface: "prompt", generator: "bench", config: [:], policy: [:])
}

/// The journal's two transactions per step (claim: a conflict-free insert; complete: a guarded
/// update and the ledger row) issued straight through GRDB on the same file: SQLite's own cost.
func bareTransactionPairs(path: String, runID: String, steps: Int, clock: ContinuousClock) throws -> Double {
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    let database = try DatabaseQueue(path: path, configuration: configuration)
    defer { try? database.close() }
    let started = clock.now
    for index in 0..<steps {
        let checkpoint = "floor-\(index)#1"
        let stepID: Int64 = try database.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO steps (run_id, checkpoint, kind, signature_hash, signature_json, state, worker_id, lease_expires_at, attempts, created_at, updated_at)
                VALUES (?, ?, 'model_call', 'h', '{}', 'running', 'bench', 0, 1, 0, 0) ON CONFLICT (run_id, checkpoint) DO NOTHING
                """).execute(arguments: [runID, checkpoint])
            return db.lastInsertedRowID
        }
        try database.write { db in
            try db.cachedStatement(sql: "UPDATE steps SET state = 'completed', result_json = ?, updated_at = 0 WHERE id = ? AND state != 'completed'")
                .execute(arguments: [Data("answer-\(index)".utf8), stepID])
            try db.cachedStatement(sql: """
                INSERT INTO ledger (run_id, checkpoint, step_id, model, input_tokens, output_tokens, cost, created_at)
                VALUES (?, ?, ?, 'local/bench', 40, 2, 0, 0)
                """).execute(arguments: [runID, checkpoint, stepID])
        }
    }
    return seconds(clock.now - started)
}

func storeBenchmark(steps: Int, modelCalls: Int) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("improve-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("bench.sqlite").path
    let store = try SQLiteRunStore(path: path)
    let runID = try await store.openRun(spec("bench"), workerID: "bench").run.id
    let clock = ContinuousClock()
    let charge = LedgerCharge(model: "local/bench", inputTokens: 40, outputTokens: 2, cost: 0)

    // 1. claim + complete.
    let journal = try await store.journal(runID: runID, workerID: "bench")
    var started = clock.now
    for index in 0..<steps {
        _ = try await journal.step(.modelCall, name: nil, signature: ["i": .number(Double(index))], as: String.self) {
            StepOutput("answer-\(index)", charge: charge)
        }
    }
    let writeSeconds = seconds(clock.now - started)
    print(String(format: "claim+complete: %d steps in %.2f s = %.0f pairs/s (%.3f ms each)", steps, writeSeconds, Double(steps) / writeSeconds, writeSeconds * 1000 / Double(steps)))

    // 1b. the floor: the same two transactions per step straight through GRDB, no journal.
    // A file of its own, so the disk figure below counts journal steps only.
    let floorPath = directory.appendingPathComponent("floor.sqlite").path
    let floorRun = try await SQLiteRunStore(path: floorPath).openRun(spec("bench-floor"), workerID: "bench").run.id
    let floorSeconds = try bareTransactionPairs(path: floorPath, runID: floorRun, steps: steps, clock: clock)
    print(String(format: "sqlite floor: %d bare claim+complete transaction pairs in %.2f s = %.0f pairs/s; the journal costs %.2fx the floor", steps, floorSeconds, Double(steps) / floorSeconds, writeSeconds / floorSeconds))

    // 2. replay by a new journal, as a resumed run does.
    let resumed = try await store.journal(runID: runID, workerID: "bench-resumed")
    started = clock.now
    for index in 0..<steps {
        let value = try await resumed.step(.modelCall, name: nil, signature: ["i": .number(Double(index))], as: String.self) {
            fail("step \(index) ran again instead of replaying")
        }
        guard value == "answer-\(index)" else { fail("step \(index) replayed \(value)") }
    }
    let readSeconds = seconds(clock.now - started)
    print(String(format: "replay lookups: %d in %.2f s = %.0f lookups/s", steps, readSeconds, Double(steps) / readSeconds))

    // 3. bytes on disk, WAL folded in.
    try store.checkpointWAL()
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    print(String(format: "disk: %d bytes for %d steps = %.1f MB per 10,000 steps", bytes, steps, Double(bytes) / Double(steps) * 10_000 / 1_000_000))

    // 4. the journal's share of a run's wall time against a 50 ms model.
    let stub = try await StubModelServer.start(responder: StubModelServer.hashedAnswer(delay: .milliseconds(50)))
    defer { Task { await stub.stop() } }
    let raw = stub.client()
    let model = ModelSpec(provider: "local", id: "bench", maxTokens: 8)
    func request(_ index: Int, _ label: String) -> ChatRequest {
        ChatRequest(model: model, messages: [.system("Classify."), .user("\(label) item \(index)")])
    }
    started = clock.now
    for index in 0..<modelCalls { _ = try await raw.complete(request(index, "raw")) }
    let rawSeconds = seconds(clock.now - started)
    let shareRun = try await store.openRun(spec("bench-share"), workerID: "bench").run.id
    let journaled = JournaledModelClient(raw, journal: try await store.journal(runID: shareRun, workerID: "bench"))
    started = clock.now
    for index in 0..<modelCalls { _ = try await journaled.complete(request(index, "journaled")) }
    let journaledSeconds = seconds(clock.now - started)
    let share = max(0, journaledSeconds - rawSeconds) / journaledSeconds
    print(String(format: "journal share: %d calls at 50 ms: raw %.2f s, journaled %.2f s, share %.2f%% (%.2f ms per call)", modelCalls, rawSeconds, journaledSeconds, share * 100, (journaledSeconds - rawSeconds) * 1000 / Double(modelCalls)))
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "store":
    let steps = arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
    let calls = arguments.dropFirst(2).first.flatMap(Int.init) ?? 200
    do {
        try await storeBenchmark(steps: steps, modelCalls: calls)
    } catch {
        fail(String(describing: error))
    }
case "space":
    let profile = URL(fileURLWithPath: arguments.dropFirst().first ?? "Profiles/compressor")
    let seeds = arguments.dropFirst(2).first.flatMap(Int.init) ?? 10
    let target = arguments.dropFirst(3).first.flatMap(Double.init) ?? 4000
    do {
        try await spaceBenchmark(profile: profile, seeds: seeds, target: target)
    } catch {
        fail(String(describing: error))
    }
case "postgres":
    do {
        try await postgresBenchmark(
            steps: arguments.dropFirst().first.flatMap(Int.init) ?? 2_000, rounds: arguments.dropFirst(2).first.flatMap(Int.init) ?? 10)
    } catch {
        fail(String(describing: error))
    }
case "agents":
    do {
        try await agentBenchmark(
            units: arguments.dropFirst().first.flatMap(Int.init) ?? 50, stubMilliseconds: arguments.dropFirst(2).first.flatMap(Int.init) ?? 100)
    } catch {
        fail(String(describing: error))
    }
default:
    print("usage: improve-bench store [steps, default 10000] [model calls, default 200]")
    print("       improve-bench agents [units, default 50] [stub ms, default 100]")
    exit(arguments.isEmpty ? 0 : 2)
}
