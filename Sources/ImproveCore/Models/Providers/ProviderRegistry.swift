import Foundation

/// The configured providers, and the factory for their clients.
///
/// Holds one ``ConcurrencyLimiter`` per provider, so every client it makes for a provider
/// shares that provider's cap.
public final class ProviderRegistry: Sendable {
    /// Providers by name: built-ins merged with the providers.yaml found, if any.
    public let providers: [String: ProviderConfig]
    /// The providers.yaml that was read, if one was found.
    public let sourceFile: URL?
    private let environment: [String: String]
    private let limiters: CreatedOnce<ConcurrencyLimiter>

    /// A registry over `providers` (the built-ins by default) reading keys and URL overrides
    /// from `environment`.
    public init(
        providers: [String: ProviderConfig] = ProviderConfig.builtIns, sourceFile: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.providers = providers
        self.sourceFile = sourceFile
        self.environment = environment
        self.limiters = CreatedOnce()
    }

    /// Reads the first existing `providers.yaml` among `searching` (files, or directories that
    /// contain one) merged over the built-ins; just the built-ins when none exists.
    public static func load(searching: [URL], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProviderRegistry {
        let manager = FileManager.default
        for candidate in searching {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory) else { continue }
            let file = isDirectory.boolValue ? candidate.appendingPathComponent("providers.yaml") : candidate
            guard manager.fileExists(atPath: file.path) else { continue }
            return ProviderRegistry(providers: try ProviderConfigLoader.load(contentsOf: file), sourceFile: file, environment: environment)
        }
        return ProviderRegistry(environment: environment)
    }

    /// The provider named `name`.
    public func config(named name: String) throws -> ProviderConfig {
        guard let config = providers[name] else { throw ModelError.unknownProvider(name, known: providers.keys.sorted()) }
        return config
    }

    /// The base URL calls to `config` go to: `IMPROVE_PROVIDER_<NAME>_BASE_URL` when set, else the
    /// configured one; for `local` without a configured URL, `IMPROVE_BASE_URL` or the port in the
    /// local-model state file.
    public func baseURL(for config: ProviderConfig) throws -> URL {
        let overrideName = "IMPROVE_PROVIDER_\(config.name.uppercased().replacingOccurrences(of: "-", with: "_"))_BASE_URL"
        if let text = environment[overrideName], !text.isEmpty {
            guard let url = URL(string: text), url.host != nil else { throw ProviderError.badURL(variable: overrideName, value: text) }
            return url
        }
        if let url = config.baseURL { return url }
        if config.name == "local" { return try LocalModelState.baseURL(environment: environment) }
        throw ProviderError.noBaseURL(provider: config.name)
    }

    /// A client for `spec`'s provider: the right wire protocol, key, URL, and the provider's
    /// shared limiter. A missing key fails here, naming the variable (never a value).
    ///
    /// - Parameter retry: overrides the provider's retry schedule (tests pass a fast one).
    public func client(for spec: ModelSpec, retry: RetryPolicy? = nil) throws -> any ModelClient {
        let config = try config(named: spec.provider)
        var apiKey: String?
        if let variable = config.apiKeyEnv {
            guard let value = environment[variable], !value.isEmpty else { throw ModelError.missingKey(provider: config.name, variable: variable) }
            apiKey = value
        }
        let url = try baseURL(for: config)
        let limiter = limiters.value(for: config.name) { ConcurrencyLimiter(limit: config.concurrency) }
        switch config.kind {
        case .openai: return OpenAICompatibleClient(config: config, baseURL: url, apiKey: apiKey, limiter: limiter, retry: retry)
        case .anthropic: return AnthropicClient(config: config, baseURL: url, apiKey: apiKey, limiter: limiter, retry: retry)
        }
    }
}

/// Problems resolving where a provider lives.
public enum ProviderError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The local model is not running (no `IMPROVE_BASE_URL`, no readable state file).
    case localModelNotRunning(stateFile: String)
    /// An environment override holds something that is not a URL.
    case badURL(variable: String, value: String)
    /// A provider has no base URL.
    case noBaseURL(provider: String)

    public var description: String {
        switch self {
        case .localModelNotRunning(let stateFile):
            return "the local model is not running: IMPROVE_BASE_URL is unset and \(stateFile) names no port; run `scripts/local-model start`, then `eval \"$(scripts/local-model env)\"`"
        case .badURL(let variable, let value):
            return "\(variable)=\(value) is not a URL; use e.g. http://127.0.0.1:8000/v1"
        case .noBaseURL(let provider):
            return "provider \(provider) has no baseURL; set it in providers.yaml or IMPROVE_PROVIDER_\(provider.uppercased())_BASE_URL"
        }
    }
}
