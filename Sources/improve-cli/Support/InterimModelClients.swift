import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ImproveCore

/// The raw model client for a spec, for commands that call models.
///
/// INTERIM: a minimal OpenAI-compatible client for the `local` provider at `IMPROVE_BASE_URL`,
/// until `ProviderRegistry` (branch `http`) is merged; then this file becomes
/// `try ProviderRegistry.load(searching: [profileDirectory]).client(for: spec)`.
enum InterimModelClients {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func client(for spec: ModelSpec, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any ModelClient {
        guard let text = environment["IMPROVE_BASE_URL"], let base = URL(string: text), base.host != nil else {
            throw Missing(description: "no model endpoint: set IMPROVE_BASE_URL (for the embedded model: eval \"$(scripts/local-model env)\")")
        }
        return InterimOpenAIClient(baseURL: base)
    }
}

/// Chat completions over plain HTTP, no retries: enough for `eval` against a local server.
struct InterimOpenAIClient: ModelClient {
    let baseURL: URL

    struct Reply: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message
            var finish_reason: String?
        }
        struct Tokens: Decodable {
            var prompt_tokens: Int?
            var completion_tokens: Int?
        }
        var choices: [Choice]
        var usage: Tokens?
        var model: String?
    }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var body: [String: JSONValue] = [
            "model": .string(request.model.id), "temperature": .number(request.model.temperature),
            "max_tokens": .number(Double(request.model.maxTokens)),
            "messages": .array(request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }),
        ]
        if let seed = request.model.seed { body["seed"] = .number(Double(seed)) }
        if !request.stop.isEmpty { body["stop"] = .array(request.stop.map { .string($0) }) }
        var http = URLRequest(url: baseURL.appendingPathComponent("chat/completions"))
        http.httpMethod = "POST"
        http.setValue("application/json", forHTTPHeaderField: "Content-Type")
        http.httpBody = try CanonicalJSON.encode(JSONValue.object(body))
        http.timeoutInterval = 120
        let clock = ContinuousClock()
        let start = clock.now
        let (data, response) = try await URLSession.shared.data(for: http)
        let elapsed = clock.now - start
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw InterimModelClients.Missing(description: "HTTP \(status) from \(baseURL.host ?? "server"): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        let reply = try JSONDecoder().decode(Reply.self, from: data)
        guard let choice = reply.choices.first else { throw InterimModelClients.Missing(description: "the server returned no choices") }
        let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return ChatResponse(
            text: choice.message.content ?? "", finishReason: choice.finish_reason ?? "stop",
            usage: Usage(inputTokens: reply.usage?.prompt_tokens ?? 0, outputTokens: reply.usage?.completion_tokens ?? 0),
            servedModel: request.model.id, latencyMs: millis, source: "live")
    }
}
