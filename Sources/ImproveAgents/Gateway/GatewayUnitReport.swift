import Foundation
import ImproveCore
import Synchronization

/// What the model calls of one unit came to, from ``ModelGateway/open(_:token:)`` to
/// ``ModelGateway/close(token:)``: the driver folds it into the unit's `AgentUnitOutcome`.
public struct GatewayUnitReport: Sendable, Equatable {
    /// Usage of the unit's answered calls, paid or replayed from the journal (what it cost).
    public var usage: Usage
    /// How many calls were answered (refused and failed calls are not counted).
    public var calls: Int
    /// The first failure between the gateway and a provider (redacted): the unit is then an
    /// infrastructure failure, excluded from both arms, whatever the agent replied.
    public var infrastructureError: String?
    /// The first model the agent asked for (or was served) outside the policy: the run stops.
    public var breach: ModelError?

    /// A report; the empty one by default.
    public init(usage: Usage = .zero, calls: Int = 0, infrastructureError: String? = nil, breach: ModelError? = nil) {
        self.usage = usage
        self.calls = calls
        self.infrastructureError = infrastructureError
        self.breach = breach
    }
}

/// The open tokens and what each unit's calls came to, shared by concurrent requests.
final class GatewayUnits: Sendable {
    private struct Entry {
        var unit: AgentUnitRequest.Unit
        var report = GatewayUnitReport()
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Attributes calls with `token` to `unit` from now on, starting an empty report.
    func open(_ unit: AgentUnitRequest.Unit, token: String) {
        entries.withLock { $0[token] = Entry(unit: unit) }
    }

    /// Stops attributing `token`; what its unit did (empty if it was never opened).
    func close(token: String) -> GatewayUnitReport {
        entries.withLock { $0.removeValue(forKey: token)?.report } ?? GatewayUnitReport()
    }

    /// The unit `token` is open for, if any.
    func unit(for token: String) -> AgentUnitRequest.Unit? {
        entries.withLock { $0[token]?.unit }
    }

    /// Counts an answered call. A call answered after its unit closed is not counted: the
    /// driver has already reported the unit (its cost is still in the journal and the ledger).
    func answered(token: String, usage: Usage) {
        entries.withLock { entries in
            guard var entry = entries[token] else { return }
            entry.report.usage = entry.report.usage + usage
            entry.report.calls += 1
            entries[token] = entry
        }
    }

    /// Records the unit's first infrastructure failure.
    func failed(token: String, reason: String) {
        entries.withLock { entries in
            if entries[token]?.report.infrastructureError == nil { entries[token]?.report.infrastructureError = reason }
        }
    }

    /// Records the unit's first policy breach.
    func breached(token: String, _ error: ModelError) {
        entries.withLock { entries in
            if entries[token]?.report.breach == nil { entries[token]?.report.breach = error }
        }
    }
}
