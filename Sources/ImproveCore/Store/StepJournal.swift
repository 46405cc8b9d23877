import Foundation

/// The kinds of journaled step.
public enum StepKind: String, Codable, Sendable, CaseIterable {
    case modelCall = "model_call"
    case scorer
    case proposal
    case experiment
    case evaluation
    case phase
    /// One unit an agent program or service answered (its reply; no ledger charge of its own).
    case agentUnit = "agent_unit"
    /// One model call an agent made through the run's gateway (charged like a model call, and
    /// listed apart from improve's own task, judge and simulator calls).
    case agentCall = "agent_call"
}

/// What a paid step cost; written to the ledger exactly once per completed step.
public struct LedgerCharge: Codable, Sendable, Equatable {
    public var model: String
    public var inputTokens: Int
    public var outputTokens: Int
    public var cost: Double

    public init(model: String, inputTokens: Int, outputTokens: Int, cost: Double) {
        self.model = model
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cost = cost
    }
}

/// What a step body returns: its value and, for paid steps, the charge.
public struct StepOutput<Value: Codable & Sendable>: Sendable {
    public var value: Value
    public var charge: LedgerCharge?

    public init(_ value: Value, charge: LedgerCharge? = nil) {
        self.value = value
        self.charge = charge
    }
}

/// Claim-or-replay execution of steps within one run.
///
/// A step's checkpoint is its `name` when the caller gives one (for steps whose position in the
/// run is what identifies them, such as `proposal/iteration-3`), otherwise the SHA-256 of its
/// canonical signature; either way followed by an occurrence counter for repeated identical
/// checkpoints within the run. A completed checkpoint replays its stored value without running
/// the body; a checkpoint whose stored signature differs from the caller's is
/// ``StoreError/signatureMismatch(runID:checkpoint:stored:given:)``.
public protocol StepJournal: Sendable {
    /// The run this journal writes to.
    var runID: String { get }

    /// Runs `body` at most once per checkpoint across every process sharing the store, and
    /// returns the stored value whenever the checkpoint has already completed.
    func step<Value: Codable & Sendable>(
        _ kind: StepKind, name: String?, signature: JSONValue, as type: Value.Type,
        body: @escaping @Sendable () async throws -> StepOutput<Value>
    ) async throws -> Value
}

extension StepJournal {
    /// A step named by the hash of its signature: the form for model and scorer calls.
    public func step<Value: Codable & Sendable>(
        _ kind: StepKind, signature: JSONValue, as type: Value.Type,
        body: @escaping @Sendable () async throws -> StepOutput<Value>
    ) async throws -> Value {
        try await step(kind, name: nil, signature: signature, as: type, body: body)
    }
}

/// Errors of the durable store.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The stored signature at a checkpoint differs from the caller's: the run's code or inputs changed.
    case signatureMismatch(runID: String, checkpoint: String, stored: String, given: String)
    case unknownRun(id: String, store: String)
    /// The file is not a database this tool can use (corrupt, or another program's).
    case unusableDatabase(path: String, reason: String)
    /// A step previously failed permanently; the stored error is replayed.
    case stepFailed(checkpoint: String, message: String)
    case runNotResumable(id: String, state: String)
    case cancelled(runID: String)

    public var description: String {
        switch self {
        case .signatureMismatch(let runID, let checkpoint, let stored, let given):
            return "run \(runID): step \(checkpoint) was recorded with signature \(stored) but is now called with \(given); the run's code or inputs changed, so it cannot be resumed safely (start a new run)"
        case .unknownRun(let id, let store):
            return "no run \(id) in the store \(store); list runs with `improve-cli runs --store \(store)`"
        case .unusableDatabase(let path, let reason):
            return "\(path) is not a usable improve store: \(reason); the file was not modified"
        case .stepFailed(let checkpoint, let message):
            return "step \(checkpoint) failed: \(message)"
        case .runNotResumable(let id, let state):
            return "run \(id) is \(state) and cannot be resumed"
        case .cancelled(let runID):
            return "run \(runID) was interrupted; resume it with `improve-cli resume \(runID)`"
        }
    }
}
