import Foundation
import Synchronization
import ImproveCore

/// Wraps the reflection client and adds up the usage of every answer, so the engine can
/// charge each proposal exactly what its generator spent.
///
/// It sits *inside* the caller's guarded, journaled client: a replayed call is counted
/// with the usage the journal recorded, so a resumed run reports the same spend.
public final class UsageCountingModelClient: ModelClient, Sendable {
    private struct Tally {
        var total = Usage.zero
        var calls = 0
        var served: Set<String> = []
        var sources: Set<String> = []
    }

    private let inner: any ModelClient
    private let tally = Mutex(Tally())

    public init(_ inner: any ModelClient) {
        self.inner = inner
    }

    /// Usage of every call answered so far.
    public var usage: Usage { tally.withLock { $0.total } }
    /// Number of calls answered so far.
    public var callCount: Int { tally.withLock { $0.calls } }
    /// Model ids the providers reported serving, sorted.
    public var servedModels: [String] { tally.withLock { $0.served.sorted() } }
    /// Where answers came from (`live`, `stub`, `replay`, ...), sorted.
    public var responseSources: [String] { tally.withLock { $0.sources.sorted() } }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let response = try await inner.complete(request)
        tally.withLock {
            $0.total = $0.total + response.usage
            $0.calls += 1
            $0.served.insert(response.servedModel)
            $0.sources.insert(response.source.rawValue)
        }
        return response
    }
}
