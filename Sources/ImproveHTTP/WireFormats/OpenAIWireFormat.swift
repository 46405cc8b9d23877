import ImproveCore

extension ProviderConfig.Kind {
    /// OpenAI chat completions (OpenAI, OpenRouter, vLLM, Ollama, llama.cpp).
    public static let openai: ProviderConfig.Kind = "openai"
}

/// `kind: openai`: ``OpenAICompatibleClient``.
public struct OpenAIWireFormat: ProviderWireFormat {
    /// The format (stateless).
    public init() {}

    public var kind: ProviderConfig.Kind { .openai }

    public func client(for endpoint: ProviderEndpoint) -> any ModelClient {
        OpenAICompatibleClient(config: endpoint.config, baseURL: endpoint.baseURL, apiKey: endpoint.apiKey, limiter: endpoint.limiter, retry: endpoint.retry)
    }
}
