import Foundation
import ImproveCore

/// One way of talking to a model API: the `kind:` a providers.yaml entry names, and the client
/// that speaks it.
///
/// To add a wire format, write one file with a type conforming to this protocol (and its
/// client), then add one line to ``ProviderWireFormats/builtIn``. Code outside this module
/// (a test, an embedding application) can pass its own list to ``ProviderRegistry`` instead.
public protocol ProviderWireFormat: Sendable {
    /// The `kind:` value in providers.yaml that selects this format.
    var kind: ProviderConfig.Kind { get }

    /// A client speaking this format to `endpoint`.
    func client(for endpoint: ProviderEndpoint) -> any ModelClient
}

/// Everything a wire format needs to build a client for one provider, resolved by
/// ``ProviderRegistry``: the configuration, the URL calls go to, the key, and the provider's
/// shared concurrency cap.
public struct ProviderEndpoint: Sendable {
    /// The provider (name, timeout, prices, served-model rule).
    public var config: ProviderConfig
    /// The resolved base URL, e.g. `http://127.0.0.1:8080/v1`.
    public var baseURL: URL
    /// The key read from the environment variable the provider names; nil for keyless servers.
    public var apiKey: String?
    /// Shared by every client of this provider.
    public var limiter: ConcurrencyLimiter
    /// Overrides the provider's retry schedule when set (tests pass a fast one).
    public var retry: RetryPolicy?

    /// An endpoint from its parts.
    public init(config: ProviderConfig, baseURL: URL, apiKey: String?, limiter: ConcurrencyLimiter, retry: RetryPolicy?) {
        self.config = config
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.limiter = limiter
        self.retry = retry
    }
}
