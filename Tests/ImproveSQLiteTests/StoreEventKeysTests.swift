import Foundation
import ImproveCore
import ImproveSQLite
import Testing

@Suite("Store: keyed events")
struct StoreEventKeysTests {
    @Test func aKeyedEventIsStoredOncePerRunWhileUnkeyedOnesAlwaysAppend() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("improve.sqlite")
        let store = try SQLiteRunStore(path: path)
        let run = try await store.openRun(sampleSpec(), workerID: "w").run
        let other = try await store.openRun(sampleSpec("nightly/other"), workerID: "w").run
        try await store.recordEvent(runID: run.id, key: "proposal:1", kind: .proposal, payload: ["iteration": 1])
        // Another process (a resumption) replaying the same event.
        try await SQLiteRunStore(path: path).recordEvent(runID: run.id, key: "proposal:1", kind: .proposal, payload: ["iteration": 1])
        try await store.recordEvent(runID: run.id, key: "proposal:2", kind: .proposal, payload: ["iteration": 2])
        try await store.recordEvent(runID: other.id, key: "proposal:1", kind: .proposal, payload: ["iteration": 1])
        try await store.appendEvent(runID: run.id, kind: .session, payload: ["pid": 1])
        try await store.appendEvent(runID: run.id, kind: .session, payload: ["pid": 1])

        let events = try await store.summary(runID: run.id, lastEvents: 100).lastEvents
        #expect(events.map(\.kind) == [.proposal, .proposal, .session, .session])
        #expect(events.compactMap { $0.payload["iteration"]?.doubleValue } == [1, 2])
        #expect(try await store.summary(runID: other.id, lastEvents: 100).lastEvents.count == 1)
    }
}
