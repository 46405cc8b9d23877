import Foundation
import ImproveCore
import Synchronization

/// A deterministic in-process model for unit tests and offline examples: answers come from a
/// closure over the request, and every answered call is counted (a throwing script is not).
public final class ScriptedModelClient: ModelClient, Sendable {
    public typealias Script = @Sendable (ChatRequest) throws -> String
    private let script: Script
    private let requests = Mutex<[ChatRequest]>([])

    public init(_ script: @escaping Script) {
        self.script = script
    }

    /// Every request seen so far, in call order.
    public var calls: [ChatRequest] { requests.withLock { $0 } }
    public var callCount: Int { requests.withLock { $0.count } }

    /// Records the request and returns the script's answer (counted like a completed call).
    public func answer(_ request: ChatRequest) throws -> String {
        let text = try script(request)
        requests.withLock { $0.append(request) }
        return text
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let text = try answer(request)
        let input = request.messages.reduce(0) { $0 + $1.content.split(separator: " ").count }
        let output = text.split(separator: " ").count
        return ChatResponse(
            text: text, finishReason: "stop", usage: Usage(inputTokens: input, outputTokens: output),
            servedModel: request.model.id, latencyMs: 0, source: "stub")
    }
}
