import Foundation
import ImproveCore

/// A client for Anthropic's Messages API (`POST {baseURL}/messages`): the key goes in
/// `x-api-key`, the API version in `anthropic-version`, and system messages are joined into
/// the separate `system` field the API requires. Anthropic has no seed parameter.
///
/// Tool calling is not mapped to Anthropic's `tool_use` blocks: a request with tools, a tool
/// choice, a response format or tool messages (only an agent's calls through the model gateway
/// have them) is refused before anything is sent, rather than sent without its tools and
/// answered as if the model had chosen not to call any.
public struct AnthropicClient: ModelClient, EndpointIdentified {
    /// The `anthropic-version` header value this client's request and response shapes follow.
    public static let apiVersion = "2023-06-01"

    /// The provider this client calls (timeout, prices, served-model rule).
    public let config: ProviderConfig
    /// The resolved API base the request paths are appended to.
    public let baseURL: URL
    private let apiKey: String?
    private let transport: HTTPTransport

    /// See ``OpenAICompatibleClient/init(config:baseURL:apiKey:limiter:retry:)``.
    public init(config: ProviderConfig, baseURL: URL, apiKey: String? = nil, limiter: ConcurrencyLimiter? = nil, retry: RetryPolicy? = nil) {
        self.config = config
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.transport = HTTPTransport(config: config, apiKey: apiKey, limiter: limiter, retry: retry)
    }

    public var endpointIdentity: String { EndpointIdentity.of(baseURL) }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        if request.usesTools {
            throw ModelError.badRequest(
                provider: config.name, status: 400,
                detail: "improve's anthropic wire format does not pass tools, tool_choice, response_format or tool messages (nothing was sent); serve this model through a provider of kind openai (Anthropic's OpenAI-compatible endpoint, or OpenRouter) for an agent that calls tools")
        }
        let system = request.messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        var body: [String: JSONValue] = [
            "model": .string(request.model.id),
            "messages": .array(request.messages.filter { $0.role != .system }.map {
                ["role": .string($0.role.rawValue), "content": .string($0.content)]
            }),
            "temperature": .number(min(request.model.temperature, 1)),
            "max_tokens": .number(Double(request.model.maxTokens)),
        ]
        if !system.isEmpty { body["system"] = .string(system) }
        if !request.stop.isEmpty { body["stop_sequences"] = .array(request.stop.map { .string($0) }) }
        var headers = ["Content-Type": "application/json", "Accept": "application/json", "anthropic-version": Self.apiVersion]
        if let apiKey { headers["x-api-key"] = apiKey }

        let reply = try await transport.post(
            baseURL.appendingPathComponent("messages"), headers: headers,
            body: try CanonicalJSON.encode(JSONValue.object(body)), model: request.model.id)
        let json = try transport.decode(reply.body)
        guard let blocks = json["content"]?.arrayValue else {
            throw ModelError.malformedResponse(provider: config.name, detail: ReplyShape.missing("content", in: json))
        }
        let text = blocks.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }.joined()
        let inputTokens = Int(json["usage"]?["input_tokens"]?.doubleValue ?? 0)
        let outputTokens = Int(json["usage"]?["output_tokens"]?.doubleValue ?? 0)
        let served = json["model"]?.stringValue ?? request.model.id
        try config.checkServed(requested: request.model.id, served: served)
        return ChatResponse(
            text: text, finishReason: json["stop_reason"]?.stringValue ?? "unknown",
            usage: Usage(inputTokens: inputTokens, outputTokens: outputTokens, cost: config.cost(model: request.model.id, inputTokens: inputTokens, outputTokens: outputTokens)),
            servedModel: served, latencyMs: reply.latencyMs, source: "live")
    }
}
