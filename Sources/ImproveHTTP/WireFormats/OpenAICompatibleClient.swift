import Foundation
import ImproveCore

/// A client for OpenAI's `POST {baseURL}/chat/completions`, which OpenAI, OpenRouter, vLLM,
/// Ollama and llama.cpp's server all speak.
///
/// Sends temperature, `max_tokens`, seed and stop sequences, and a request's tools, tool choice,
/// response format and tool messages when it has them; reads text, tool calls, finish reason,
/// usage and the served model id; retries per ``RetryPolicy``; waits for a slot of the provider's
/// shared ``ConcurrencyLimiter``; prices usage from the provider's price table.
public struct OpenAICompatibleClient: ModelClient, EndpointIdentified {
    /// The provider this client calls (timeout, prices, served-model rule).
    public let config: ProviderConfig
    /// The resolved API base the request paths are appended to.
    public let baseURL: URL
    private let apiKey: String?
    private let transport: HTTPTransport

    /// - Parameters:
    ///   - config: the provider (name, timeout, prices, served-model rule).
    ///   - baseURL: the resolved base URL, e.g. `http://127.0.0.1:8080/v1`.
    ///   - apiKey: sent as a bearer token when given.
    ///   - limiter: shared by every client of this provider; a private one when nil.
    ///   - retry: the retry schedule; ``RetryPolicy/standard(maxRetries:)`` from the config when nil.
    public init(config: ProviderConfig, baseURL: URL, apiKey: String? = nil, limiter: ConcurrencyLimiter? = nil, retry: RetryPolicy? = nil) {
        self.config = config
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.transport = HTTPTransport(config: config, apiKey: apiKey, limiter: limiter, retry: retry)
    }

    public var endpointIdentity: String { EndpointIdentity.of(baseURL) }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var body: [String: JSONValue] = [
            "model": .string(request.model.id),
            "messages": .array(request.messages.map(Self.wire)),
            "temperature": .number(request.model.temperature),
            "max_tokens": .number(Double(request.model.maxTokens)),
        ]
        if let seed = request.model.seed { body["seed"] = .number(Double(seed)) }
        if !request.stop.isEmpty { body["stop"] = .array(request.stop.map { .string($0) }) }
        if let tools = request.tools { body["tools"] = tools }
        if let toolChoice = request.toolChoice { body["tool_choice"] = toolChoice }
        if let responseFormat = request.responseFormat { body["response_format"] = responseFormat }
        var headers = ["Content-Type": "application/json", "Accept": "application/json"]
        if let apiKey { headers["Authorization"] = "Bearer \(apiKey)" }

        let reply = try await transport.post(
            baseURL.appendingPathComponent("chat/completions"), headers: headers,
            body: try CanonicalJSON.encode(JSONValue.object(body)), model: request.model.id)
        let json = try transport.decode(reply.body)
        guard let choice = json["choices"]?.arrayValue?.first, let message = choice["message"] else {
            throw ModelError.malformedResponse(provider: config.name, detail: ReplyShape.missing("choices[0].message", in: json))
        }
        let text: String
        switch message["content"] {
        case .string(let content)?: text = content
        case .null?, nil: text = ""
        default: throw ModelError.malformedResponse(provider: config.name, detail: "choices[0].message.content is not text")
        }
        let toolCalls: JSONValue?
        switch message["tool_calls"] {
        case .array(let calls)? where !calls.isEmpty: toolCalls = .array(calls)
        case .array?, .null?, nil: toolCalls = nil
        default: throw ModelError.malformedResponse(provider: config.name, detail: "choices[0].message.tool_calls is not a list")
        }
        let usage = json["usage"]
        let inputTokens = Int(usage?["prompt_tokens"]?.doubleValue ?? 0)
        let outputTokens = Int(usage?["completion_tokens"]?.doubleValue ?? 0)
        let served = json["model"]?.stringValue ?? request.model.id
        try config.checkServed(requested: request.model.id, served: served)
        return ChatResponse(
            text: text, finishReason: choice["finish_reason"]?.stringValue ?? "unknown",
            usage: Usage(inputTokens: inputTokens, outputTokens: outputTokens, cost: config.cost(model: request.model.id, inputTokens: inputTokens, outputTokens: outputTokens)),
            servedModel: served, latencyMs: reply.latencyMs, source: "live", toolCalls: toolCalls)
    }

    /// One message in OpenAI's shape. A plain message is `{role, content}` exactly as before
    /// tools existed; an assistant message that only calls tools sends `content: null`, which
    /// strict servers require instead of an empty string.
    static func wire(_ message: ChatMessage) -> JSONValue {
        var object: [String: JSONValue] = ["role": .string(message.role.rawValue), "content": .string(message.content)]
        if let toolCalls = message.toolCalls {
            object["tool_calls"] = toolCalls
            if message.content.isEmpty { object["content"] = .null }
        }
        if let toolCallID = message.toolCallID { object["tool_call_id"] = .string(toolCallID) }
        return .object(object)
    }
}

extension Redactor {
    /// Hides `apiKey` and every credential-looking environment value.
    static func forClient(apiKey: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Redactor {
        let markers = ["KEY", "TOKEN", "SECRET", "PASSWORD"]
        let fromEnvironment = environment.filter { name, _ in markers.contains { name.uppercased().contains($0) } }.map(\.value)
        return Redactor(secrets: (apiKey.map { [$0] } ?? []) + fromEnvironment)
    }
}
