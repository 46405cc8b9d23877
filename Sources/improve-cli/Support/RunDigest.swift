import Foundation
import ImproveCore

/// One run as a morning report and the metrics file see it: verdict, lift, spend, duration,
/// calls and failures, read from the store.
struct RunDigest: Codable, Equatable {
    var id: String
    var profile: String
    /// `running`, `completed`, `interrupted`, `failed` or `cancelled`.
    var state: String
    /// `ship`, `hold` or `reject` for a completed run; otherwise the state.
    var verdict: String
    /// Winner minus baseline on the holdout split (on the search metric for artifact runs).
    var lift: Double?
    var spendUSD: Double
    var tokens: Int
    /// Completed paid calls (ledger rows) over the run's whole life.
    var paidCalls: Int
    /// Calls answered from the journal instead of a provider, summed over the run's sessions.
    var replayedCalls: Int
    var metricCalls: Int?
    /// Wall time of the processes that worked on the run, summed.
    var durationSeconds: Double
    /// Failed steps plus, for a failed run, the run itself.
    var failures: Int
    var stopReason: String?
    var createdAt: Date
    var updatedAt: Date

    init(_ row: RunDigestRow, sessions: [JSONValue]) {
        let run = row.run
        id = run.id
        profile = run.spec.profileName
        state = run.state.rawValue
        verdict = run.result?["verdict"]?.stringValue ?? run.state.rawValue
        let result = run.result
        if let winner = result?["winnerHoldoutMean"]?.doubleValue, let baseline = result?["baselineHoldoutMean"]?.doubleValue {
            lift = winner - baseline
        } else if let winner = result?["winnerSearchMean"]?.doubleValue, let baseline = result?["baselineSearchMean"]?.doubleValue {
            lift = winner - baseline
        }
        spendUSD = run.spent.cost
        tokens = run.spent.totalTokens
        paidCalls = run.paidSteps
        replayedCalls = sessions.compactMap { $0["replayedCalls"]?.doubleValue }.reduce(0) { $0 + Int($1) }
        metricCalls = result?["metricCalls"]?.doubleValue.map(Int.init)
        durationSeconds = sessions.compactMap { $0["durationSeconds"]?.doubleValue }.reduce(0, +)
        failures = row.failedSteps + (run.state == .failed ? 1 : 0)
        stopReason = result?["stopReason"]?.stringValue ?? sessions.last?["stopReason"]?.stringValue ?? run.failure
        createdAt = run.createdAt
        updatedAt = run.updatedAt
    }

    /// Digests of the runs updated since `start`, newest first.
    static func load(from store: any RunStore, since start: Date, limit: Int) async throws -> [RunDigest] {
        var digests: [RunDigest] = []
        for row in try await store.runs(updatedSince: start, limit: limit) {
            digests.append(RunDigest(row, sessions: try await store.sessions(runID: row.run.id)))
        }
        return digests
    }
}
