import Foundation
import Synchronization

/// A thread-safe table whose values are made on first request and shared afterwards: one
/// concurrency limiter per provider, one cassette client per model.
package final class CreatedOnce<Value: Sendable>: Sendable {
    private let values = Mutex<[String: Value]>([:])

    package init() {}

    /// The value stored under `key`, made by `make` the first time. `make` runs under the lock,
    /// so two callers racing on one key never make two values.
    package func value(for key: String, make: () throws -> Value) rethrows -> Value {
        try values.withLock { values in
            if let existing = values[key] { return existing }
            let created = try make()
            values[key] = created
            return created
        }
    }
}
