import Foundation

/// Failures of model calls. Texts never contain API keys (see ``Redactor``).
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The allowed-models guard refused the call before any bytes left the process.
    case notAllowed(model: String, allowed: [String], role: String?)
    /// The server answered with a model other than the one requested.
    case servedModelMismatch(requested: String, served: String)
    /// Authentication failed (401/403): wrong or missing key. Not retried.
    case unauthorized(provider: String, status: Int, detail: String)
    /// The provider does not know the model (404, or 400 naming the model). Not retried.
    case unknownModel(provider: String, model: String, detail: String)
    /// 404 for a path, not for a model: the base URL most likely misses or doubles `/v1`. Not retried.
    case endpointNotFound(provider: String, url: String, detail: String)
    /// Another 4xx. Not retried.
    case badRequest(provider: String, status: Int, detail: String)
    /// Retries exhausted on 429/5xx/connection errors.
    case exhausted(provider: String, attempts: Int, last: String)
    /// The request took longer than the configured timeout (after retries).
    case timeout(provider: String, seconds: Double)
    /// The body could not be understood.
    case malformedResponse(provider: String, detail: String)
    /// The named provider is not configured.
    case unknownProvider(String, known: [String])
    /// The API key environment variable named by the provider config is unset.
    case missingKey(provider: String, variable: String)
    /// A replay-only cassette has no recording for this request.
    case cassetteMiss(key: String, cassette: String)

    public var description: String {
        switch self {
        case .notAllowed(let model, let allowed, let role):
            let who = role.map { " for role \($0)" } ?? ""
            return "model \(model)\(who) is not allowed by the policy; allowed: \(allowed.isEmpty ? "(none)" : allowed.joined(separator: ", "))"
        case .servedModelMismatch(let requested, let served):
            return "requested model \(requested) but the server answered as \(served); set allowServedModelMismatch: true in the provider config if this alias is expected"
        case .unauthorized(let provider, let status, let detail):
            return "provider \(provider) refused the credentials (HTTP \(status)): \(detail); check the API key environment variable"
        case .unknownModel(let provider, let model, let detail):
            return "provider \(provider) does not serve model \(model): \(detail)"
        case .endpointNotFound(let provider, let url, let detail):
            return "provider \(provider) has no API at \(url) (HTTP 404: \(detail)); does the base URL end in /v1? OpenAI-compatible servers want e.g. http://127.0.0.1:8080/v1 (set baseURL in providers.yaml, or IMPROVE_BASE_URL for local)"
        case .badRequest(let provider, let status, let detail):
            return "provider \(provider) rejected the request (HTTP \(status)): \(detail)"
        case .exhausted(let provider, let attempts, let last):
            return "provider \(provider) failed after \(attempts) attempts; last error: \(last)"
        case .timeout(let provider, let seconds):
            return "provider \(provider) did not answer within \(seconds) s"
        case .malformedResponse(let provider, let detail):
            return "provider \(provider) sent a response that could not be read: \(detail)"
        case .unknownProvider(let name, let known):
            return "no provider named \(name) is configured; known: \(known.joined(separator: ", "))"
        case .missingKey(let provider, let variable):
            return "provider \(provider) needs an API key in the environment variable \(variable), which is not set"
        case .cassetteMiss(let key, let cassette):
            return "cassette \(cassette) has no recording for request \(key) (replay-only mode); record it first with --cassette-mode record-missing"
        }
    }
}

/// Removes secrets from text before it reaches an error, a log line, the store or a report.
public struct Redactor: Sendable {
    private let secrets: [String]

    /// Redacts the given secret values (empty and very short values are ignored).
    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    /// Redacts the values of every environment variable whose name looks like a credential.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Redactor {
        let markers = ["KEY", "TOKEN", "SECRET", "PASSWORD"]
        return Redactor(secrets: environment.filter { name, _ in markers.contains { name.uppercased().contains($0) } }.map(\.value))
    }

    /// `text` with every known secret replaced, and the value of any `Authorization` or
    /// `x-api-key` header it echoes (a server that quotes the request back, say) hidden too,
    /// whether or not the value is a known secret.
    public func redact(_ text: String) -> String {
        let known = secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[REDACTED]") }
        return Self.credentialHeaders.reduce(known) { text, pattern in
            pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1[REDACTED]")
        }
    }

    /// `Authorization: Bearer …`, `"authorization": "…"`, `x-api-key: …` and `api_key=…`,
    /// case-insensitive, in header, JSON and query form.
    private static let credentialHeaders: [NSRegularExpression] = [
        #"(?i)(authorization["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token)\s+)?+)(?!\[REDACTED\])[^\s"',;}]+"#,
        #"(?i)(x-api-key["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',;}]+"#,
        #"(?i)(api[_-]?key["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',;}&]+"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }
}
