import Foundation

/// A client whose answers depend on which endpoint it talks to; cassettes key on this.
public protocol EndpointIdentified {
    /// A stable name for the endpoint (see ``EndpointIdentity/of(_:)``).
    var endpointIdentity: String { get }
}

/// Stable names for endpoints.
public enum EndpointIdentity {
    /// The base URL as text, except that loopback hosts and their (ephemeral) ports become
    /// `loopback`: a local server restarted on another port is still the same endpoint, so
    /// cassettes recorded against it keep replaying.
    public static func of(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        if let host = components.host?.lowercased(), ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) {
            components.host = "loopback"
            components.port = nil
        }
        var text = components.string ?? url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
