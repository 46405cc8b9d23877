import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// A store written by an older build resumes with this one: the same commands against a copy of
/// `Tests/Fixtures/legacy-store/` join the stored runs (same run id, same dedupe key, no new row),
/// replay every completed call for free (same checkpoint names) and reach the result the older
/// build reached uninterrupted. Offline: real child processes, a loopback stub, no sleeps.
@Suite(.serialized) struct LegacyStoreTests {
    @Test func theStoredRunsAreReadWithTheirIdsDedupeKeysAndCheckpoints() async throws {
        let manifest = try LegacyManifest.load()
        let work = try LegacyStore.workCopy(withStore: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let rows = try await LegacyStore.runs(in: work)
        #expect(rows.count == manifest.runs.count)
        for entry in manifest.runs {
            let row = try #require(rows.first { $0["id"]?.stringValue == entry.runID }, "\(entry.name): run \(entry.runID) is not listed")
            #expect(row["spec"]?["dedupeKey"]?.stringValue == entry.dedupeKey, "\(entry.name)")
            #expect(row["state"]?.stringValue == entry.state, "\(entry.name)")
            let stored = try await LegacyStore.checkpoints(store: work.appendingPathComponent("store.sqlite"), runID: entry.runID)
            #expect(stored.count == entry.stored.checkpoints, "\(entry.name)")
            #expect(stored.digest == entry.stored.checkpointDigest, "\(entry.name)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func theInterruptedRunFinishesAsTheSameRunPayingOnlyForTheMissingCalls() async throws {
        try await Self.finishInterrupted("run")
    }

    @Test(.timeLimit(.minutes(3)))
    func theInterruptedEvolveFinishesAsTheSameRunPayingOnlyForTheMissingCalls() async throws {
        try await Self.finishInterrupted("evolve")
    }

    @Test(.timeLimit(.minutes(3)))
    func theStoredEvalIsJoinedAndCostsNothing() async throws {
        let manifest = try LegacyManifest.load()
        let entry = try manifest.entry("eval")
        let (work, session) = try await Self.rerun(entry)
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(session.result.status == entry.stored.exitStatus, "stderr: \(session.result.stderr)")
        #expect(session.server.total == 0, "\(session.server.total) calls paid again")
        let row = try await Self.storedRow(of: entry, in: work, runCount: manifest.runs.count)
        #expect(row["state"]?.stringValue == "completed")
        #expect(row["result"]?["mean"]?.doubleValue == entry.stored.mean)
        let checkpoints = try await LegacyStore.checkpoints(store: work.appendingPathComponent("store.sqlite"), runID: entry.runID)
        #expect(checkpoints.digest == entry.stored.checkpointDigest)
    }

    @Test(.timeLimit(.minutes(3)))
    func theCompletedAutoresearchRunIsJoinedAndCostsNothing() async throws {
        let manifest = try LegacyManifest.load()
        let entry = try manifest.entry("autoresearch")
        let (work, session) = try await Self.rerun(entry)
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(session.result.status == entry.stored.exitStatus, "stderr: \(session.result.stderr)")
        #expect(session.server.total == 0, "\(session.server.total) calls paid again")
        let printed = try JSONDecoder().decode(JSONValue.self, from: Data(session.result.stdout.utf8))
        #expect(printed["runID"]?.stringValue == entry.runID)
        #expect(printed["verdict"]?.stringValue == entry.stored.verdict)
        #expect(printed["winnerID"]?.stringValue == entry.stored.winnerID)
        let row = try await Self.storedRow(of: entry, in: work, runCount: manifest.runs.count)
        #expect(row["state"]?.stringValue == "completed")
        let checkpoints = try await LegacyStore.checkpoints(store: work.appendingPathComponent("store.sqlite"), runID: entry.runID)
        #expect(checkpoints.digest == entry.stored.checkpointDigest)
    }

    @Test(.timeLimit(.minutes(3)))
    func resumeFinishesTheInterruptedRunFromItsStoredConfiguration() async throws {
        try await Self.finishInterrupted("run", byResume: true)
    }

    @Test(.timeLimit(.minutes(3)))
    func resumeFinishesTheInterruptedEvolveFromItsStoredConfiguration() async throws {
        try await Self.finishInterrupted("evolve", byResume: true)
    }

    /// The stored command again without its ceiling (or `resume <run-id>`): the run the ceiling
    /// stopped finishes, and the calls the old build paid plus the calls paid now are exactly
    /// the reference's calls.
    static func finishInterrupted(_ name: String, byResume: Bool = false) async throws {
        let manifest = try LegacyManifest.load()
        let entry = try manifest.entry(name)
        let reference = try #require(entry.reference)
        let (work, session) = byResume ? try await resume(entry) : try await rerun(entry)
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(session.result.status == reference.exitStatus, "stderr: \(session.result.stderr)")
        let printed = try JSONDecoder().decode(JSONValue.self, from: Data(session.result.stdout.utf8))
        #expect(printed["runID"]?.stringValue == entry.runID)
        #expect(printed["verdict"]?.stringValue == reference.verdict)
        #expect(printed["winnerID"]?.stringValue == reference.winnerID)
        #expect(session.server.total == reference.totalCalls - entry.stored.totalCalls, "\(session.server.total) paid now, \(entry.stored.totalCalls) before, \(reference.totalCalls) uninterrupted")
        // Per request body: a completed call paid again, or one the reference never made, shows here.
        let bodies = Set(reference.bodyHashes.keys).union(entry.stored.bodyHashes.keys).union(session.server.hashes.keys)
        let mismatched = bodies.filter { (entry.stored.bodyHashes[$0] ?? 0) + (session.server.hashes[$0] ?? 0) != (reference.bodyHashes[$0] ?? 0) }
        #expect(mismatched.isEmpty, "\(mismatched.count) request bodies paid a different number of times than uninterrupted")

        let row = try await storedRow(of: entry, in: work, runCount: manifest.runs.count)
        #expect(row["state"]?.stringValue == "completed")
        // The finished run's checkpoint names are the ones the old build's uninterrupted run stored.
        let checkpoints = try await LegacyStore.checkpoints(store: work.appendingPathComponent("store.sqlite"), runID: entry.runID)
        #expect(checkpoints.count == reference.checkpoints)
        #expect(checkpoints.digest == reference.checkpointDigest)
    }

    /// `resume <run-id>` reads the profile directory the old build stored: an absolute path in
    /// the generator's scratch directory under /tmp. The fixture is copied back to that path (a
    /// lock file keeps two test processes from sharing it) so the stored configuration is used
    /// exactly as written.
    static func resume(_ entry: LegacyManifest.Entry) async throws -> (URL, LegacyStoreGenerator.Session) {
        let scenario = try LegacyStore.scenario(entry.name)
        let stored = try await storedProfileDirectory(of: entry)
        let relative = try #require(scenario.arguments.dropFirst().first, "the scenario names no profile")
        #expect(stored.hasSuffix("/" + relative), "the stored profile directory \(stored) is not the scenario's \(relative)")
        let work = URL(fileURLWithPath: String(stored.dropLast(relative.count + 1)))
        let lock = try ExclusiveFileLock(FileManager.default.temporaryDirectory.appendingPathComponent("improve-legacy-store-resume.lock"))
        defer { lock.release() }
        let fm = FileManager.default
        try? fm.removeItem(at: work)
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }
        try fm.copyItem(at: LegacyStore.directory.appendingPathComponent("profiles"), to: work.appendingPathComponent("profiles"))
        try fm.copyItem(at: LegacyStore.directory.appendingPathComponent("store.sqlite"), to: work.appendingPathComponent("store.sqlite"))
        let responder = try LegacyStore.responder(for: scenario.profile, in: work.appendingPathComponent("profiles"))
        let session = try await LegacyStoreGenerator.session(["resume", entry.runID, "--store", "store.sqlite", "--json"], in: work, responder: responder)
        // Copied out before the directory is removed: the caller reads the store afterwards.
        let kept = try Fixtures.temporaryDirectory("legacy-store-resumed")
        try fm.copyItem(at: work.appendingPathComponent("store.sqlite"), to: kept.appendingPathComponent("store.sqlite"))
        for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: work.appendingPathComponent("store.sqlite" + suffix).path) {
            try fm.copyItem(at: work.appendingPathComponent("store.sqlite" + suffix), to: kept.appendingPathComponent("store.sqlite" + suffix))
        }
        return (kept, session)
    }

    /// The profile directory stored in the run's configuration, read from a copy of the fixture.
    static func storedProfileDirectory(of entry: LegacyManifest.Entry) async throws -> String {
        let work = try LegacyStore.workCopy(withStore: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let rows = try await LegacyStore.runs(in: work)
        let row = try #require(rows.first { $0["id"]?.stringValue == entry.runID })
        return try #require(row["spec"]?["config"]?["profileDirectory"]?.stringValue, "no stored profile directory: \(row)")
    }

    /// `entry`'s command, without the ceiling, in a fresh copy of the fixture.
    static func rerun(_ entry: LegacyManifest.Entry) async throws -> (URL, LegacyStoreGenerator.Session) {
        let work = try LegacyStore.workCopy(withStore: true)
        let scenario = try LegacyStore.scenario(entry.name)
        #expect(scenario.arguments == entry.arguments, "the scenario's command moved away from the stored one")
        let responder = try LegacyStore.responder(for: scenario.profile, in: work.appendingPathComponent("profiles"))
        return (work, try await LegacyStoreGenerator.session(entry.arguments, in: work, responder: responder))
    }

    /// The stored run's row after the command: still there under its id and dedupe key, and no
    /// other run was opened beside it.
    static func storedRow(of entry: LegacyManifest.Entry, in work: URL, runCount: Int) async throws -> JSONValue {
        let rows = try await LegacyStore.runs(in: work)
        #expect(rows.count == runCount, "a new run was opened: \(rows.compactMap { $0["id"]?.stringValue })")
        let row = try #require(rows.first { $0["id"]?.stringValue == entry.runID }, "run \(entry.runID) is gone")
        #expect(row["spec"]?["dedupeKey"]?.stringValue == entry.dedupeKey)
        return row
    }
}

/// An exclusive `flock` on a file, held until ``release()``: the resume tests recreate one fixed
/// directory, which two test processes must not share.
final class ExclusiveFileLock {
    struct LockError: Error { var path: String }

    private let descriptor: Int32

    init(_ url: URL) throws {
        descriptor = open(url.path, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw LockError(path: url.path) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            close(descriptor)
            throw LockError(path: url.path)
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
