import Foundation
import ImproveCore

/// The configured providers, and the factory for their clients: each provider's `kind` picks
/// a wire format from ``ProviderWireFormats`` (no switch on kinds here).
///
/// Holds one ``ConcurrencyLimiter`` per provider, so every client it makes for a provider
/// shares that provider's cap.
public final class ProviderRegistry: Sendable {
    /// Providers by name: built-ins merged with the providers.yaml found, if any.
    public let providers: [String: ProviderConfig]
    /// The providers.yaml that was read, if one was found.
    public let sourceFile: URL?
    /// The wire formats clients are made with.
    public let wireFormats: ProviderWireFormats
    private let environment: [String: String]
    private let limiters: CreatedOnce<ConcurrencyLimiter>

    /// A registry over `providers` (the built-ins by default) reading keys and URL overrides
    /// from `environment`, making clients with `wireFormats`.
    public init(
        providers: [String: ProviderConfig] = ProviderConfig.builtIns, sourceFile: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, wireFormats: ProviderWireFormats = .builtIn
    ) {
        self.providers = providers
        self.sourceFile = sourceFile
        self.environment = environment
        self.wireFormats = wireFormats
        self.limiters = CreatedOnce()
    }

    /// Reads the first existing `providers.yaml` among `searching` (files, or directories that
    /// contain one) merged over the built-ins; just the built-ins when none exists.
    public static func load(
        searching: [URL], environment: [String: String] = ProcessInfo.processInfo.environment, wireFormats: ProviderWireFormats = .builtIn
    ) throws -> ProviderRegistry {
        let manager = FileManager.default
        for candidate in searching {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory) else { continue }
            let file = isDirectory.boolValue ? candidate.appendingPathComponent("providers.yaml") : candidate
            guard manager.fileExists(atPath: file.path) else { continue }
            return ProviderRegistry(
                providers: try ProviderConfigLoader.load(contentsOf: file, wireFormats: wireFormats), sourceFile: file,
                environment: environment, wireFormats: wireFormats)
        }
        return ProviderRegistry(environment: environment, wireFormats: wireFormats)
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

    /// A client for `spec`'s provider: the wire format its `kind` names, key, URL, and the
    /// provider's shared limiter. A missing key fails here, naming the variable (never a value).
    ///
    /// - Parameter retry: overrides the provider's retry schedule (tests pass a fast one).
    public func client(for spec: ModelSpec, retry: RetryPolicy? = nil) throws -> any ModelClient {
        let config = try config(named: spec.provider)
        var apiKey: String?
        if let variable = config.apiKeyEnv {
            guard let value = environment[variable], !value.isEmpty else { throw ModelError.missingKey(provider: config.name, variable: variable) }
            apiKey = value
        }
        guard let format = wireFormats.format(for: config.kind) else {
            throw ProviderError.unknownWireFormat(provider: config.name, kind: config.kind.rawValue, known: wireFormats.kinds)
        }
        let url = try baseURL(for: config)
        let limiter = limiters.value(for: config.name) { ConcurrencyLimiter(limit: config.concurrency) }
        return format.client(for: ProviderEndpoint(config: config, baseURL: url, apiKey: apiKey, limiter: limiter, retry: retry))
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
    /// A provider built in code names a `kind` no registered wire format has (a providers.yaml
    /// with one fails earlier, at its line).
    case unknownWireFormat(provider: String, kind: String, known: [String])

    public var description: String {
        switch self {
        case .localModelNotRunning(let stateFile):
            return "the local model is not running: IMPROVE_BASE_URL is unset and \(stateFile) names no port; run `scripts/local-model start`, then `eval \"$(scripts/local-model env)\"`"
        case .badURL(let variable, let value):
            return "\(variable)=\(value) is not a URL; use e.g. http://127.0.0.1:8000/v1"
        case .noBaseURL(let provider):
            return "provider \(provider) has no baseURL; set it in providers.yaml or IMPROVE_PROVIDER_\(provider.uppercased())_BASE_URL"
        case .unknownWireFormat(let provider, let kind, let known):
            return "provider \(provider) has kind \(kind), which no wire format speaks; use one of: \(known.joined(separator: ", "))"
        }
    }
}
