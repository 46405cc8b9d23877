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
    /// What sort of step it is.
    public var kind: StepKind
    /// Where it is in its lifecycle.
    public var state: StepState
    /// How many times the step was claimed.
    public var attempts: Int
    /// The redacted error of the last failed attempt.
    public var error: String?
    /// The worker of the last claim.
    public var workerID: String?

    /// A row as fetched.
    public init(checkpoint: String, kind: StepKind, state: StepState, attempts: Int, error: String?, workerID: String?) {
        self.checkpoint = checkpoint
        self.kind = kind
        self.state = state
        self.attempts = attempts
        self.error = error
        self.workerID = workerID
    }
}

extension StepKind {
    /// The kind a backend read back, or ``StoreError/unusableDatabase(path:reason:)`` for a value
    /// this version does not know (a store written by a newer improve).
    package static func stored(_ text: String, in location: String) throws -> StepKind {
        guard let kind = StepKind(rawValue: text) else {
            throw StoreError.unusableDatabase(path: location, reason: "it holds a step of unknown kind '\(text)' (written by a newer version of improve?); upgrade improve-cli")
        }
        return kind
    }
}

extension StepState {
    /// The state a backend read back, or ``StoreError/unusableDatabase(path:reason:)`` for a value
    /// this version does not know.
    package static func stored(_ text: String, in location: String) throws -> StepState {
        guard let state = StepState(rawValue: text) else {
            throw StoreError.unusableDatabase(path: location, reason: "it holds a step in unknown state '\(text)' (written by a newer version of improve?); upgrade improve-cli")
        }
        return state
    }
}
