import Foundation
import ImproveCore

/// Wraps the reflection client and adds up the usage of every answer, so the engine can
/// charge each proposal exactly what its generator spent.
///
/// It sits *inside* the caller's guarded, journaled client: a replayed call is counted
/// with the usage the journal recorded, so a resumed run reports the same spend.
public final class UsageCountingModelClient: ModelClient, @unchecked Sendable {
    private let inner: any ModelClient
    private let lock = NSLock()
    private var total = Usage.zero
    private var calls = 0
    private var served: Set<String> = []
    private var sources: Set<String> = []

    public init(_ inner: any ModelClient) {
        self.inner = inner
    }

    /// Usage of every call answered so far.
    public var usage: Usage { lock.withLock { total } }
    /// Number of calls answered so far.
    public var callCount: Int { lock.withLock { calls } }
    /// Model ids the providers reported serving, sorted.
    public var servedModels: [String] { lock.withLock { served.sorted() } }
    /// Where answers came from (`live`, `stub`, `replay`, ...), sorted.
    public var responseSources: [String] { lock.withLock { sources.sorted() } }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let response = try await inner.complete(request)
        lock.withLock {
            total = total + response.usage
            calls += 1
            served.insert(response.servedModel)
            sources.insert(response.source.rawValue)
        }
        return response
    }
}
