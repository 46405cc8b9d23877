import Foundation
import ImproveCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The smallest OpenAI-compatible chat client: one POST, no retries, so every request a stub
/// sees is one the caller decided to make. For store tests, the chaos worker and benchmarks.
public struct StubChatClient: ModelClient {
    public let baseURL: URL

    public init(baseURL: URL) {
        self.baseURL = baseURL
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var http = URLRequest(url: baseURL.appendingPathComponent("chat/completions"))
        http.httpMethod = "POST"
        http.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let body: JSONValue = [
            "model": .string(request.model.id),
            "messages": .array(request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }),
        ]
        http.httpBody = try CanonicalJSON.encode(body)
        let (data, response) = try await URLSession.shared.data(for: http)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw ModelError.badRequest(provider: request.model.provider, status: status, detail: String(decoding: data.prefix(200), as: UTF8.self))
        }
        let reply = try JSONDecoder().decode(JSONValue.self, from: data)
        guard let text = reply["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue else {
            throw ModelError.malformedResponse(provider: request.model.provider, detail: "no choices[0].message.content")
        }
        let usage = Usage(
            inputTokens: Int(reply["usage"]?["prompt_tokens"]?.doubleValue ?? 0),
            outputTokens: Int(reply["usage"]?["completion_tokens"]?.doubleValue ?? 0))
        return ChatResponse(text: text, usage: usage, servedModel: reply["model"]?.stringValue ?? request.model.id)
    }
}
