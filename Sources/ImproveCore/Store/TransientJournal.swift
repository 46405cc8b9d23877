/// A journal that keeps nothing: every step runs its body. For work with no store behind it (an
/// eval without `--store`), where an agent's units and gateway calls still need a journal to go
/// through; nothing is replayed and nothing is charged to a ledger.
public struct TransientJournal: StepJournal {
    /// No run: the empty id.
    public var runID: String { "" }

    /// A journal that records nothing.
    public init() {}

    public func step<Value: Codable & Sendable>(
        _ kind: StepKind, name: String?, signature: JSONValue, as type: Value.Type,
        body: @escaping @Sendable () async throws -> StepOutput<Value>
    ) async throws -> Value {
        try await body().value
    }
}
