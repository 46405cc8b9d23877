import Foundation
import ImproveCore

/// A deterministic in-process model for unit tests and offline examples: answers come from a
/// closure over the request, and every answered call is counted (a throwing script is not).
public final class ScriptedModelClient: ModelClient, @unchecked Sendable {
    public typealias Script = @Sendable (ChatRequest) throws -> String
    private let lock = NSLock()
    private let script: Script
    private var requests: [ChatRequest] = []

    public init(_ script: @escaping Script) {
        self.script = script
    }

    /// Every request seen so far, in call order.
    public var calls: [ChatRequest] { lock.withLock { requests } }
    public var callCount: Int { lock.withLock { requests.count } }

    /// Records the request and returns the script's answer (counted like a completed call).
    public func answer(_ request: ChatRequest) throws -> String {
        let text = try script(request)
        lock.withLock { requests.append(request) }
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
