import Foundation
import Improve
import ImproveCore
import Synchronization

/// What one process did to a run, gathered while it runs and written when it ends: a `session`
/// event in the store (paid and replayed calls, exit status, stop reason, wall time), the
/// profile lock released, and the metrics file rewritten.
final class SessionRecord: Sendable {
    private struct State {
        var runID: String?
        var finishedAlready = false
        var gate: SpendGate?
        var store: (any RunStore)?
        var profileLock: ProfileLock?
        var stopReason: String?
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    /// The spend gate in front of this process's provider clients, once made.
    var gate: SpendGate? {
        get { state.withLock { $0.gate } }
        set { state.withLock { $0.gate = newValue } }
    }
    /// The run store, once open.
    var store: (any RunStore)? {
        get { state.withLock { $0.store } }
        set { state.withLock { $0.store = newValue } }
    }
    /// The profile lock this process holds, once taken.
    var profileLock: ProfileLock? {
        get { state.withLock { $0.profileLock } }
        set { state.withLock { $0.profileLock = newValue } }
    }
    /// Why the run stopped early, if it did.
    var stopReason: String? {
        get { state.withLock { $0.stopReason } }
        set { state.withLock { $0.stopReason = newValue } }
    }

    /// The run this process opened, joined or resumed, once known.
    var runID: String? {
        get { state.withLock { $0.runID } }
        set { state.withLock { $0.runID = newValue } }
    }

    /// Follows the run's progress notes for its id (and names it in the lock's holder record).
    func observe(_ note: ImproveProgress) {
        let id: String?
        switch note {
        case .started(let runID, _, _), .startedArtifact(let runID, _, _): id = runID
        case .joined(let runID):
            id = runID
            state.withLock { $0.finishedAlready = true }
        default: id = nil
        }
        guard let id, runID == nil else { return }
        runID = id
        profileLock?.note(runID: id)
    }

    /// Records the session, writes the metrics file and releases the lock.
    func finish(status: Int32, metricsFile: String?) async {
        defer { profileLock?.release() }
        guard let store else { return }
        if let runID {
            let paid = gate?.paidCalls ?? 0
            // Every completed paid step of the run that this process did not pay for itself was
            // answered from the journal, unless the run had already finished and was only joined.
            var replayed = 0
            if !state.withLock({ $0.finishedAlready }) {
                replayed = max(0, ((try? await store.paidSteps(runID: runID)) ?? 0) - paid)
            }
            let elapsed = ContinuousClock.now - started
            let payload: JSONValue = [
                "pid": .number(Double(ProcessInfo.processInfo.processIdentifier)), "exitStatus": .number(Double(status)),
                "paidCalls": .number(Double(paid)), "replayedCalls": .number(Double(replayed)),
                "durationSeconds": .number(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18),
                "stopReason": stopReason.map(JSONValue.string) ?? .null,
            ]
            do {
                try await store.recordSession(runID: runID, payload)
            } catch {
                Terminal.error("could not record this session of run \(runID) in \(store.location): \(error)")
            }
        }
        if let metricsFile {
            do {
                try await MetricsFile.write(store: store, to: metricsFile)
            } catch {
                Terminal.error("could not write the metrics file \(metricsFile): \(error)")
            }
        }
    }
}
