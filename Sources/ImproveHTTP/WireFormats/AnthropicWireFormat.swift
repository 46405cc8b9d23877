import ImproveCore

extension ProviderConfig.Kind {
    /// Anthropic Messages.
    public static let anthropic: ProviderConfig.Kind = "anthropic"
}

/// `kind: anthropic`: ``AnthropicClient``.
public struct AnthropicWireFormat: ProviderWireFormat {
    /// The format (stateless).
    public init() {}

    public var kind: ProviderConfig.Kind { .anthropic }

    public func client(for endpoint: ProviderEndpoint) -> any ModelClient {
        AnthropicClient(config: endpoint.config, baseURL: endpoint.baseURL, apiKey: endpoint.apiKey, limiter: endpoint.limiter, retry: endpoint.retry)
    }
}
