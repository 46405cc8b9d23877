import Foundation
import ImproveCore

/// How an HTTP client retries 429s, 5xx answers, timeouts and connection errors: exponential
/// back-off from `baseDelay`, capped at `maxDelay`, spread by a jitter fraction, and never
/// shorter than the server's `Retry-After`.
///
/// Jitter comes from ``SeededRandom`` keyed by the request, so the schedule is reproducible.
/// Tests pass a tiny `baseDelay` to run fast.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts including the first (1 = no retries).
    public var maxAttempts: Int
    /// Delay before the first retry, in seconds; doubled for each later retry.
    public var baseDelay: Double
    /// Upper bound of the exponential back-off, in seconds.
    public var maxDelay: Double
    /// Fraction (0...1) by which each delay is spread upwards at random, so many clients that
    /// failed together do not retry together.
    public var jitter: Double
    /// The longest `Retry-After` honoured, in seconds; a longer demand gives up instead of
    /// silently stalling a run for hours.
    public var maxRetryAfter: Double

    /// A schedule from its parts, each clamped to a sensible range (at least one attempt, no
    /// negative delays, a jitter fraction within 0...1).
    public init(maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 30, jitter: Double = 0.2, maxRetryAfter: Double = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.jitter = min(max(0, jitter), 1)
        self.maxRetryAfter = max(0, maxRetryAfter)
    }

    /// The default for a provider that allows `maxRetries` retries.
    public static func standard(maxRetries: Int) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxRetries + 1)
    }

    /// Seconds to wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed,
    /// or nil when the server's `Retry-After` exceeds ``maxRetryAfter``.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?, random: inout SeededRandom) -> Double? {
        let exponent = Double(max(0, attempt - 1))
        let backoff = min(maxDelay, baseDelay * pow(2, exponent))
        let spread = backoff * jitter * random.nextUnit()
        guard let retryAfter else { return backoff + spread }
        guard retryAfter <= maxRetryAfter else { return nil }
        return max(retryAfter, backoff + spread)
    }

    /// Parses a `Retry-After` header given in seconds (HTTP dates are not used by model APIs).
    public static func parseRetryAfter(_ value: String?) -> Double? {
        guard let value, let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 else { return nil }
        return seconds
    }
}
