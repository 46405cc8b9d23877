import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// A store written by an older build, committed under `Tests/Fixtures/legacy-store/`: the runs in
/// it (an interrupted `run`, a completed `eval`, an interrupted `evolve`, a completed autoresearch
/// `run`) must keep their run ids, dedupe keys and checkpoint names in every later build, or a
/// nightly job would pay again for what it already bought. ``LegacyStoreTests`` resumes them;
/// ``LegacyStoreGenerator`` wrote them and only runs when asked to.
enum LegacyStore {
    /// The fixture directory: `profiles/<name>/` (frozen copies, so edits to `Profiles/` do not
    /// move the ids), `store.sqlite` and `expected.json`.
    static var directory: URL { Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/legacy-store") }

    static let profileNames = ["sentiment", "travel-destination", "compressor"]

    /// One stored run: the command that made it, run from a directory holding `profiles/` and
    /// `store.sqlite`, with relative paths so the same arguments work in any copy.
    struct Scenario: Sendable {
        var name: String
        var profile: String
        var arguments: [String]
        /// True when the stored session was stopped by a spend ceiling (then resumable).
        var interrupted: Bool
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "run", profile: "sentiment", arguments: ["run", "profiles/sentiment", "--store", "store.sqlite", "--budget", "100", "--json"], interrupted: true),
        Scenario(name: "eval", profile: "sentiment", arguments: ["eval", "profiles/sentiment", "--store", "store.sqlite", "--limit", "24", "--json"], interrupted: false),
        Scenario(
            name: "evolve", profile: "travel-destination",
            arguments: ["evolve", "profiles/travel-destination", "--store", "store.sqlite", "--generations", "1", "--population", "2", "--json"], interrupted: true),
        Scenario(name: "autoresearch", profile: "compressor", arguments: ["run", "profiles/compressor", "--store", "store.sqlite", "--json"], interrupted: false),
    ]

    static func scenario(_ name: String) throws -> Scenario {
        try #require(scenarios.first { $0.name == name })
    }

    /// The model the stub plays for a profile, read from the frozen copy's own data.
    static func responder(for profile: String, in profiles: URL) throws -> StubModelServer.Responder {
        switch profile {
        case "sentiment":
            return ClassifierStub.formatSensitive(labels: try ClassifierStub.labels(fromJSONL: profiles.appendingPathComponent("sentiment/sst2.jsonl")))
        case "travel-destination":
            return StrategyLadder.responder(destinations: try ClassifierStub.labels(fromJSONL: profiles.appendingPathComponent("travel-destination/trips.jsonl")))
        default:
            // A valid config the model "proposes" every time it is asked.
            return StubModelServer.fixed("Whole text.\n```json\n{\"codec\": \"lzma\", \"level\": 9, \"chunkSize\": 0, \"strategy\": \"default\"}\n```")
        }
    }

    /// A fresh work directory holding a copy of the fixture's profiles (and its store when `withStore`).
    static func workCopy(withStore: Bool) throws -> URL {
        let work = try Fixtures.temporaryDirectory("legacy-store")
        try FileManager.default.copyItem(at: directory.appendingPathComponent("profiles"), to: work.appendingPathComponent("profiles"))
        if withStore {
            try FileManager.default.copyItem(at: directory.appendingPathComponent("store.sqlite"), to: work.appendingPathComponent("store.sqlite"))
        }
        return work
    }

    /// `runs --json` of the work directory's store.
    static func runs(in work: URL) async throws -> [JSONValue] {
        let listed = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--limit", "50", "--json"], in: work)
        try #require(listed.status == 0, "runs failed: \(listed.stderr)")
        return try #require(try JSONDecoder().decode(JSONValue.self, from: Data(listed.stdout.utf8)).arrayValue)
    }

    /// The completed checkpoint names of a run, as a count and a digest of the sorted names:
    /// equal digests mean the same names, without committing every name.
    static func checkpoints(store: URL, runID: String) async throws -> (count: Int, digest: String) {
        let opened = try SQLiteRunStore(path: store.path)
        let names = try await opened.completedCheckpoints(runID: runID).sorted()
        try opened.close()
        return (names.count, ContentHash.sha256(names.joined(separator: "\n")))
    }
}

/// `expected.json`: what the build that wrote the fixture stored and printed.
struct LegacyManifest: Codable {
    var about: String
    var runs: [Entry]

    /// How a command ended.
    struct Outcome: Codable {
        var exitStatus: Int32
        var verdict: String?
        var winnerID: String?
        /// Completion requests the stub received.
        var totalCalls: Int
        /// Requests per canonical body hash, to tell a repeated paid call from a new one.
        var bodyHashes: [String: Int]
        var checkpoints: Int
        var checkpointDigest: String
        /// `eval` only: the overall mean it reported.
        var mean: Double?
    }

    struct Entry: Codable {
        var name: String
        /// The command, run from a directory holding `profiles/` and `store.sqlite`.
        var arguments: [String]
        /// Added to `arguments` for the stored session only (the spend ceiling that stopped it).
        var stopArguments: [String]
        var runID: String
        var dedupeKey: String
        var state: String
        /// The stored session: for completed runs also the reference.
        var stored: Outcome
        /// Interrupted runs: the same command run uninterrupted in a separate store.
        var reference: Outcome?
    }

    static func load() throws -> LegacyManifest {
        try JSONDecoder().decode(LegacyManifest.self, from: Data(contentsOf: LegacyStore.directory.appendingPathComponent("expected.json")))
    }

    func entry(_ name: String) throws -> Entry {
        try #require(runs.first { $0.name == name }, "expected.json has no \(name) run")
    }
}

/// Writes `Tests/Fixtures/legacy-store/` with the real CLI against the loopback stub. Run only
/// on purpose (`IMPROVE_WRITE_LEGACY_FIXTURES=1`): the point of the fixture is that it was written
/// by an older build, so regenerating it after a change to ids would hide exactly that change.
@Suite(.serialized) struct LegacyStoreGenerator {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["IMPROVE_WRITE_LEGACY_FIXTURES"] == "1"), .timeLimit(.minutes(10)))
    func writeTheLegacyStoreFixture() async throws {
        let fm = FileManager.default
        let fixture = LegacyStore.directory
        // Everything it writes, and nothing else (the README stays).
        for entry in ["profiles", "store.sqlite", "expected.json"] { try? fm.removeItem(at: fixture.appendingPathComponent(entry)) }
        try fm.createDirectory(at: fixture.appendingPathComponent("profiles"), withIntermediateDirectories: true)
        // Frozen copies of the checked-in inputs only: no README, no written versions, no runs/.
        for name in LegacyStore.profileNames {
            let source = Fixtures.repositoryRoot.appendingPathComponent("Profiles/\(name)")
            let destination = fixture.appendingPathComponent("profiles/\(name)")
            try fm.createDirectory(at: destination, withIntermediateDirectories: true)
            for entry in try fm.contentsOfDirectory(atPath: source.path).sorted()
            where entry != "README.md" && entry != "runs" && entry != "__pycache__" && !entry.contains(".v") {
                try fm.copyItem(at: source.appendingPathComponent(entry), to: destination.appendingPathComponent(entry))
            }
        }

        let work = try LegacyStore.workCopy(withStore: false)
        let profiles = work.appendingPathComponent("profiles")
        let store = work.appendingPathComponent("store.sqlite")
        var entries: [LegacyManifest.Entry] = []
        for scenario in LegacyStore.scenarios {
            let responder = try LegacyStore.responder(for: scenario.profile, in: profiles)
            var reference: LegacyManifest.Outcome?
            var stop: [String] = []
            if scenario.interrupted {
                let referenceWork = try LegacyStore.workCopy(withStore: false)
                let outcome = try await Self.session(scenario.arguments, in: referenceWork, responder: responder)
                try #require(outcome.result.status == 0 || outcome.result.status == 3, "reference \(scenario.name) failed: \(outcome.result.stderr)")
                let referenceRows = try await LegacyStore.runs(in: referenceWork)
                let runID = try #require(referenceRows.first?["id"]?.stringValue)
                reference = try await Self.outcome(outcome, store: referenceWork.appendingPathComponent("store.sqlite"), runID: runID)
                // The ceiling counts every run of the store: stop about halfway through this one.
                let spentBefore = try await Self.runsSoFar(in: work).reduce(0) { $0 + Int($1["paidSteps"]?.doubleValue ?? 0) }
                stop = ["--spend-ceiling", "\(spentBefore + outcome.server.total / 2)calls", "--spend-window", "24h"]
            }
            let before = Set(try await Self.runsSoFar(in: work).compactMap { $0["id"]?.stringValue })
            let session = try await Self.session(scenario.arguments + stop, in: work, responder: responder)
            if scenario.interrupted {
                try #require(session.result.status == 5, "\(scenario.name) was not stopped by the ceiling: \(session.result.stderr)")
            } else {
                try #require(session.result.status == 0 || session.result.status == 3, "\(scenario.name) failed: \(session.result.stderr)")
            }
            let rows = try await LegacyStore.runs(in: work)
            let row = try #require(rows.first { !before.contains($0["id"]?.stringValue ?? "") }, "\(scenario.name) opened no new run")
            let runID = try #require(row["id"]?.stringValue)
            entries.append(
                LegacyManifest.Entry(
                    name: scenario.name, arguments: scenario.arguments, stopArguments: stop, runID: runID,
                    dedupeKey: try #require(row["spec"]?["dedupeKey"]?.stringValue), state: try #require(row["state"]?.stringValue),
                    stored: try await Self.outcome(session, store: store, runID: runID, mean: row["result"]?["mean"]?.doubleValue),
                    reference: reference))
        }

        // One self-contained file: fold the write-ahead log in and close before copying.
        let opened = try SQLiteRunStore(path: store.path)
        try opened.checkpointWAL()
        try opened.close()
        try fm.copyItem(at: store, to: fixture.appendingPathComponent("store.sqlite"))
        let manifest = LegacyManifest(
            about: "Written by LegacyStoreGenerator (IMPROVE_WRITE_LEGACY_FIXTURES=1) before the RunSession refactor; LegacyStoreTests resumes these runs. Do not regenerate to make a test pass: a changed run id, dedupe key or checkpoint name is the bug it catches.",
            runs: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: fixture.appendingPathComponent("expected.json"))
        for entry in entries {
            print("legacy store: \(entry.name) \(entry.runID) \(entry.state), \(entry.stored.totalCalls) paid, reference \(entry.reference.map { "\($0.totalCalls) calls" } ?? "-")")
        }
    }

    struct Session {
        var result: CLIProcess.Result
        var server: (total: Int, hashes: [String: Int])
    }

    /// `runs --json`, or none before the first command created the store.
    static func runsSoFar(in work: URL) async throws -> [JSONValue] {
        FileManager.default.fileExists(atPath: work.appendingPathComponent("store.sqlite").path) ? try await LegacyStore.runs(in: work) : []
    }

    /// One command against its own loopback stub.
    static func session(_ arguments: [String], in work: URL, responder: @escaping StubModelServer.Responder) async throws -> Session {
        let server = try await StubModelServer.start(responder: responder)
        let result = try await CLIProcess.run(arguments, in: work, environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()
        // Completions only: a models listing is not a paid call.
        let completions = server.completionRequests
        return Session(result: result, server: (completions.count, completions.reduce(into: [:]) { $0[$1.bodyHash, default: 0] += 1 }))
    }

    static func outcome(_ session: Session, store: URL, runID: String, mean: Double? = nil) async throws -> LegacyManifest.Outcome {
        let printed = try? JSONDecoder().decode(JSONValue.self, from: Data(session.result.stdout.utf8))
        let checkpoints = try await LegacyStore.checkpoints(store: store, runID: runID)
        return LegacyManifest.Outcome(
            exitStatus: session.result.status, verdict: printed?["verdict"]?.stringValue, winnerID: printed?["winnerID"]?.stringValue,
            totalCalls: session.server.total, bodyHashes: session.server.hashes, checkpoints: checkpoints.count, checkpointDigest: checkpoints.digest, mean: mean)
    }
}
