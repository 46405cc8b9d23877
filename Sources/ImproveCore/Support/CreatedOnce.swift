import Foundation

/// A thread-safe table whose values are made on first request and shared afterwards: one
/// concurrency limiter per provider, one cassette client per model.
public final class CreatedOnce<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]

    public init() {}

    /// The value stored under `key`, made by `make` the first time. `make` runs under the lock,
    /// so two callers racing on one key never make two values.
    public func value(for key: String, make: () throws -> Value) rethrows -> Value {
        try lock.withLock {
            if let existing = values[key] { return existing }
            let created = try make()
            values[key] = created
            return created
        }
    }
}
