import Foundation

/// A ``ModelClient`` decorator that runs every call as a journaled step: a call the run has
/// already paid for is answered from the store, and a new one is charged to the ledger once.
///
/// The step signature is the canonical JSON of `{scheme: 1, request}`: everything that decides
/// the answer. Raise ``signatureScheme`` if the meaning of a request ever changes, so old
/// journals stop matching instead of replaying answers to different questions.
public struct JournaledModelClient: ModelClient {
    /// Version of the signature layout.
    public static let signatureScheme = 1

    public let inner: any ModelClient
    public let journal: any StepJournal

    public init(_ inner: any ModelClient, journal: any StepJournal) {
        self.inner = inner
        self.journal = journal
    }

    /// The step signature of a request.
    public static func signature(of request: ChatRequest) throws -> JSONValue {
        ["scheme": .number(Double(signatureScheme)), "request": try JSONValue(encoding: request)]
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let inner = inner
        return try await journal.step(.modelCall, signature: try Self.signature(of: request), as: ChatResponse.self) {
            let response = try await inner.complete(request)
            let charge = LedgerCharge(
                model: request.model.qualifiedName, inputTokens: response.usage.inputTokens,
                outputTokens: response.usage.outputTokens, cost: response.usage.cost)
            return StepOutput(response, charge: charge)
        }
    }
}

extension StepJournal {
    /// Runs a scorer call as a journaled step named by `{scheme: 1, scorer, version, input}`,
    /// so a resumed run never pays a judge twice for the same verdict.
    ///
    /// - Parameters:
    ///   - scorer: the scorer's name; `version` should change whenever its logic does.
    ///   - input: everything the score depends on (candidate output, expected answer, rubric).
    public func scored<Score: Codable & Sendable>(
        scorer: String, version: Int = 1, input: JSONValue, as type: Score.Type = Score.self,
        body: @escaping @Sendable () async throws -> StepOutput<Score>
    ) async throws -> Score {
        let signature: JSONValue = ["scheme": 1, "scorer": .string(scorer), "version": .number(Double(version)), "input": input]
        return try await step(.scorer, signature: signature, as: Score.self, body: body)
    }
}
