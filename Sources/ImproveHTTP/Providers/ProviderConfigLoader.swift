import Foundation
import ImproveCore

/// Reads `providers.yaml`:
///
/// ```yaml
/// providers:
///   vllm:
///     kind: openai                 # a ProviderWireFormats kind: openai | anthropic
///     baseURL: http://gpu-box:8000/v1
///     apiKeyEnv: VLLM_API_KEY      # the variable's NAME; keys never live in files
///     concurrency: 8
///     timeoutSeconds: 60
///     maxRetries: 4
///     allowServedModelMismatch: false
///     prices:
///       qwen2.5-7b-instruct: { inputPerMillion: 0.1, outputPerMillion: 0.2 }
/// ```
///
/// Entries named like a built-in (`local`, `openai`, `anthropic`, `openrouter`) change only the
/// fields they give. Unknown keys are errors naming file:line.
public enum ProviderConfigLoader {
    static let topKeys = ["providers"]
    static let providerKeys = [
        "kind", "baseURL", "apiKeyEnv", "concurrency", "timeoutSeconds", "maxRetries", "allowServedModelMismatch", "prices",
    ]
    static let priceKeys = ["inputPerMillion", "outputPerMillion"]

    /// Loads a file and merges it over `base`; `kind:` must name one of `wireFormats`.
    public static func load(
        contentsOf url: URL, over base: [String: ProviderConfig] = ProviderConfig.builtIns, wireFormats: ProviderWireFormats = .builtIn
    ) throws -> [String: ProviderConfig] {
        try parse(ConfigNode.load(contentsOf: url), over: base, wireFormats: wireFormats)
    }

    /// Parses YAML text (`file` names it in errors) and merges it over `base`; `kind:` must
    /// name one of `wireFormats`.
    public static func parse(
        _ text: String, file: String, over base: [String: ProviderConfig] = ProviderConfig.builtIns, wireFormats: ProviderWireFormats = .builtIn
    ) throws -> [String: ProviderConfig] {
        try parse(ConfigNode.parse(text, file: file), over: base, wireFormats: wireFormats)
    }

    static func parse(_ root: ConfigNode, over base: [String: ProviderConfig], wireFormats: ProviderWireFormats) throws -> [String: ProviderConfig] {
        let top = try root.mapping()
        try top.rejectUnknownKeys(topKeys)
        var result = base
        guard let providers = top.optional("providers") else { return result }
        for (name, node) in try providers.mapping().members {
            guard isValidName(name) else {
                throw node.error("\"\(name)\" is not a valid provider name", hint: "lower-case letters, digits, - and _")
            }
            result[name] = try parseProvider(node, name: name, base: base[name], kinds: wireFormats.kinds)
        }
        return result
    }

    static func parseProvider(_ node: ConfigNode, name: String, base: ProviderConfig?, kinds: [String]) throws -> ProviderConfig {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(providerKeys)
        let kindNode: ConfigNode? = try base == nil ? fields.required("kind", hint: kindsHint(kinds)) : fields.optional("kind")
        let kind = try kindNode.map { ProviderConfig.Kind(rawValue: try $0.oneOf(kinds)) } ?? base?.kind
        var config = base ?? ProviderConfig(name: name, kind: kind ?? .openai, baseURL: nil)
        config.kind = kind ?? config.kind

        if let urlNode = fields.optional("baseURL") {
            config.baseURL = try parseURL(urlNode)
        } else if base == nil {
            _ = try fields.required("baseURL", hint: "e.g. http://127.0.0.1:8000/v1")
        }
        if let keyNode = fields.optional("apiKeyEnv") {
            let variable = try keyNode.nonEmptyString()
            // Never echo the value: a key pasted here by mistake must not end up in a log.
            guard variable.allSatisfy({ ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "_" }), variable.first?.isNumber == false else {
                throw keyNode.error("must be the name of an environment variable (like OPENAI_API_KEY), not a key", hint: "put the key in the environment and name the variable here")
            }
            config.apiKeyEnv = variable
        }
        if let value = fields.optional("concurrency") { config.concurrency = try value.int(in: 1...1024) }
        if let value = fields.optional("timeoutSeconds") { config.timeoutSeconds = try value.double(in: 0.1...3600) }
        if let value = fields.optional("maxRetries") { config.maxRetries = try value.int(in: 0...20) }
        if let value = fields.optional("allowServedModelMismatch") { config.allowServedModelMismatch = try value.bool() }
        if let pricesNode = fields.optional("prices") {
            for (model, priceNode) in try pricesNode.mapping().members {
                let price = try priceNode.mapping()
                try price.rejectUnknownKeys(priceKeys)
                config.prices[model] = ModelPrice(
                    inputPerMillion: try price.required("inputPerMillion").double(in: 0...1_000_000),
                    outputPerMillion: try price.required("outputPerMillion").double(in: 0...1_000_000))
            }
        }
        return config
    }

    /// "openai or anthropic"; "a, b or c" for longer lists.
    static func kindsHint(_ kinds: [String]) -> String {
        guard let last = kinds.last, kinds.count > 1 else { return kinds.first ?? "" }
        return kinds.dropLast().joined(separator: ", ") + " or " + last
    }

    static func parseURL(_ node: ConfigNode) throws -> URL {
        let text = try node.nonEmptyString()
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw node.error("\"\(text)\" is not an http(s) URL", hint: "e.g. http://127.0.0.1:8000/v1")
        }
        return url
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }
}
