/// Routes every model call through the step journal: a call whose checkpoint has completed
/// replays the stored response and costs nothing; a new call is paid once and its usage is
/// written to the ledger in the same transaction as its result.
public struct JournaledModelClient: ModelClient {
    public let inner: any ModelClient
    public let journal: any StepJournal

    public init(inner: any ModelClient, journal: any StepJournal) {
        self.inner = inner
        self.journal = journal
    }

    /// The journal signature of a request; bump `scheme` when the request encoding changes.
    public static func signature(of request: ChatRequest) throws -> JSONValue {
        ["scheme": 1, "request": try JSONValue(encoding: request)]
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let inner = self.inner
        return try await journal.step(.modelCall, signature: try Self.signature(of: request), as: ChatResponse.self) {
            let response = try await inner.complete(request)
            let charge = LedgerCharge(
                model: request.model.qualifiedName, inputTokens: response.usage.inputTokens,
                outputTokens: response.usage.outputTokens, cost: response.usage.cost)
            return StepOutput(response, charge: charge)
        }
    }
}
