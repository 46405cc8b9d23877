import Foundation
import ImproveCore

/// Price of a model in US dollars per million tokens.
public struct ModelPrice: Sendable, Equatable, Codable {
    /// Dollars per million prompt (input) tokens.
    public var inputPerMillion: Double
    /// Dollars per million completion (output) tokens.
    public var outputPerMillion: Double

    /// A price from its two rates, in dollars per million tokens.
    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }
}

/// One model provider: where it is, how to authenticate, how hard to push it, what it costs.
public struct ProviderConfig: Sendable, Equatable {
    /// The wire protocol, by the `kind:` word in providers.yaml. Each ``ProviderWireFormat``
    /// declares its own (``openai``, ``anthropic``); ``ProviderWireFormats`` lists the known ones.
    public struct Kind: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The word, e.g. `openai`.
        public let rawValue: String

        /// The kind named `rawValue` (known or not: ``ProviderWireFormats`` decides).
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The kind named by a literal, as wire formats declare theirs.
        public init(stringLiteral value: String) {
            self.rawValue = value
        }

        public var description: String { rawValue }
    }

    /// The provider's name: the `provider:` of a profile's model, the key in providers.yaml.
    public var name: String
    /// The wire format its calls speak.
    public var kind: Kind
    /// The API base, e.g. `https://api.openai.com/v1`. Nil only for the built-in `local`
    /// provider, whose URL is found at call time (see ``ProviderRegistry``).
    public var baseURL: URL?
    /// The NAME of the environment variable holding the API key; nil for keyless servers.
    public var apiKeyEnv: String?
    /// Requests in flight at once across all clients of this provider.
    public var concurrency: Int
    /// Seconds one HTTP request may take before it counts as a timeout (and is retried).
    public var timeoutSeconds: Double
    /// Retries after the first attempt on 429/5xx/timeouts/connection errors.
    public var maxRetries: Int
    /// Accept answers whose reported model differs from the requested one.
    public var allowServedModelMismatch: Bool
    /// Prices by model id; models without a price cost 0.
    public var prices: [String: ModelPrice]

    /// A provider; the defaults are those of a providers.yaml entry that gives only `kind` and
    /// `baseURL`.
    public init(
        name: String, kind: Kind, baseURL: URL?, apiKeyEnv: String? = nil, concurrency: Int = 4, timeoutSeconds: Double = 120,
        maxRetries: Int = 4, allowServedModelMismatch: Bool = false, prices: [String: ModelPrice] = [:]
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.concurrency = concurrency
        self.timeoutSeconds = timeoutSeconds
        self.maxRetries = maxRetries
        self.allowServedModelMismatch = allowServedModelMismatch
        self.prices = prices
    }

    /// Cost in US dollars of a call to `model` with the given token counts.
    public func cost(model: String, inputTokens: Int, outputTokens: Int) -> Double {
        guard let price = prices[model] else { return 0 }
        return (Double(inputTokens) * price.inputPerMillion + Double(outputTokens) * price.outputPerMillion) / 1_000_000
    }

    /// Throws ``ModelError/servedModelMismatch(requested:served:)`` unless `served` is the
    /// requested model (or a dated snapshot of it) or mismatches are allowed.
    public func checkServed(requested: String, served: String) throws {
        guard allowServedModelMismatch || ServedModel.matches(requested: requested, served: served) else {
            throw ModelError.servedModelMismatch(requested: requested, served: served)
        }
    }

    /// The providers every installation knows without a providers.yaml.
    public static let builtIns: [String: ProviderConfig] = {
        // Literal https URLs always parse.
        func url(_ text: String) -> URL? { URL(string: text) }
        let list = [
            // llama.cpp's server reports the alias passed with --model_alias, so `local` matches exactly.
            ProviderConfig(name: "local", kind: .openai, baseURL: nil, concurrency: 1, timeoutSeconds: 300, maxRetries: 2),
            ProviderConfig(name: "openai", kind: .openai, baseURL: url("https://api.openai.com/v1"), apiKeyEnv: "OPENAI_API_KEY"),
            ProviderConfig(name: "anthropic", kind: .anthropic, baseURL: url("https://api.anthropic.com/v1"), apiKeyEnv: "ANTHROPIC_API_KEY"),
            ProviderConfig(name: "openrouter", kind: .openai, baseURL: url("https://openrouter.ai/api/v1"), apiKeyEnv: "OPENROUTER_API_KEY"),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()
}
