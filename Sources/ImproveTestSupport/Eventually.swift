import Foundation

/// Polls `condition` until it holds or `timeout` seconds pass: a wait on state, not a sleep-as-sync.
public func eventually(timeout: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 5_000_000)
    }
    return try await condition()
}
