import Foundation

/// What the ledger holds over a stretch of time, across every run of a store.
public struct LedgerTotals: Codable, Sendable, Equatable {
    /// Paid steps (one ledger row each: model calls and paid scorer calls).
    public var calls: Int
    /// Input plus output tokens.
    public var tokens: Int
    /// US dollars.
    public var cost: Double

    /// Totals as summed.
    public init(calls: Int = 0, tokens: Int = 0, cost: Double = 0) {
        self.calls = calls
        self.tokens = tokens
        self.cost = cost
    }
}

/// One run with what a morning report needs beside it: failed steps and when its ledger started.
public struct RunDigestRow: Sendable, Equatable {
    /// The run.
    public var run: RunRecord
    /// Steps of the run whose last attempt failed (a resume retries them).
    public var failedSteps: Int

    /// A row as fetched.
    public init(run: RunRecord, failedSteps: Int) {
        self.run = run
        self.failedSteps = failedSteps
    }
}

/// One journaled step as stored.
public struct StepRecord: Codable, Sendable, Equatable {
    /// `(name ?? signature hash) + "#" + occurrence`.
    public var checkpoint: String
    /// A ``StepKind`` raw value.
    public var kind: String
    /// A ``StepState`` raw value: `pending`, `running`, `completed`, `failed` or `cancelled`.
    public var state: String
    /// How many times the step was claimed.
    public var attempts: Int
    /// The redacted error of the last failed attempt.
    public var error: String?
    /// The worker of the last claim.
    public var workerID: String?

    /// A row as fetched.
    public init(checkpoint: String, kind: String, state: String, attempts: Int, error: String?, workerID: String?) {
        self.checkpoint = checkpoint
        self.kind = kind
        self.state = state
        self.attempts = attempts
        self.error = error
        self.workerID = workerID
    }
}
