import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// A `run` killed in the middle of its search and run again replays every step, and with it every
/// search event: the store must still hold each event once, or `show`, reports and `runs --since`
/// would count proposals twice.
@Suite(.serialized) struct ResumedEventsTests {
    @Test(.timeLimit(.minutes(3)))
    func aRunKilledAndResumedStoresEachEventOnce() async throws {
        let labels = try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
        let killSwitch = KillSwitch()
        let server = try await StubModelServer.start(responder: killSwitch.counting(ClassifierStub.formatSensitive(labels: labels)))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let store = work.appendingPathComponent("store.sqlite")
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_STEP_LEASE_SECONDS": "2"]
        let arguments = ["run", profile.path, "--store", "store.sqlite", "--budget", "140", "--json"]

        let victim = try CLIProcess(arguments, in: work, environment: env)
        // Past the baseline and a few proposals (the search of this budget makes ~150 calls).
        killSwitch.arm(pid: victim.process.processIdentifier, afterRequests: 90)
        let killed = await victim.wait()
        killSwitch.disarm()
        try #require(killed.signalled, "the run ended before the kill: \(killed.stderr)")
        let runID = try #require(try await SQLiteRunStore(path: store.path, mode: .readOnly).listRuns(limit: 1).first?.id)
        let before = try await Self.events(store, runID)
        try #require(before.contains { $0.kind == .proposal }, "the kill came before any proposal: \(before.map(\.kind))")

        let resumed = try await CLIProcess.run(arguments, in: work, environment: env)
        await server.stop()
        #expect(resumed.status == 0 || resumed.status == 3, "stderr: \(resumed.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(resumed.stdout.utf8))
        #expect(outcome["runID"]?.stringValue == runID)

        let after = try await Self.events(store, runID).filter { $0.kind != .session }
        let counts = Dictionary(grouping: after, by: \.kind).mapValues(\.count)
        print("resumed events: \(before.count) before the kill, \(after.count) after the resume: \(counts)")
        #expect(counts[.baseline] == 1)
        #expect(counts[.searchStopped] == 1)
        #expect(counts[.gate] == 1)
        #expect(counts[.proposal] == outcome["proposals"]?.doubleValue.map(Int.init), "\(counts)")
        let iterations = after.filter { $0.kind == .proposal }.compactMap { $0.payload["iteration"]?.doubleValue }
        #expect(Set(iterations).count == iterations.count, "a proposal is stored twice: \(iterations.sorted())")
        // What the killed process recorded is kept, in its place, and not added again.
        #expect(Array(after.prefix(before.count)).map(\.payload) == before.map(\.payload))
    }

    static func events(_ store: URL, _ runID: String) async throws -> [RunSummary.Event] {
        try await SQLiteRunStore(path: store.path, mode: .readOnly).summary(runID: runID, lastEvents: Int(Int32.max)).lastEvents
    }
}
