import Foundation

/// The one place the command line reads the wall clock for decisions: the dedupe window
/// bucket and the start of the spend window are computed from it once, at start-up, and passed
/// into the run as values, so nothing inside the search reads a clock.
enum WallClock {
    /// For tests only: an ISO-8601 instant (`2026-11-30T03:00:00Z`) used instead of the clock,
    /// to simulate "the next night" without waiting for it.
    static let overrideVariable = "IMPROVE_NOW"

    /// The current time, or the instant in ``overrideVariable``.
    static func now(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Date {
        guard let text = environment[overrideVariable] else { return Date() }
        guard let date = ISO8601DateFormatter().date(from: text) else {
            throw CommandLineFailure("\(overrideVariable)=\(text) is not an ISO-8601 instant such as 2026-11-30T03:00:00Z (it is meant for tests; unset it otherwise)")
        }
        return date
    }
}
