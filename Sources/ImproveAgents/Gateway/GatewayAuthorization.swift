import NIOHTTP1

/// The gateway's bearer tokens: one per unit, handed to the agent instead of any provider key.
enum GatewayAuthorization {
    /// The token in `Authorization: Bearer <token>`.
    /// - Throws: 401 when there is none (the token's value is never echoed).
    static func token(in headers: HTTPHeaders) throws(GatewayRefusal) -> String {
        guard let header = headers.first(name: "authorization") else {
            throw .unauthorized(
                "no Authorization header; send Authorization: Bearer <the key improve gave the agent> (OPENAI_API_KEY for an exec agent, models.apiKey in an HTTP agent's request)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw .unauthorized("the Authorization header is not Bearer <token>; send the key improve gave the agent as a bearer token")
        }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// 401 for a token that is not open for a unit.
    static var notOpen: GatewayRefusal {
        .unauthorized(
            "the bearer token is not open for any unit; use the key improve gave the agent for the unit it is answering (OPENAI_API_KEY for an exec agent, models.apiKey in an HTTP agent's request): a unit's key works only while improve waits for that unit's reply")
    }

    /// A fresh token: 32 bytes from the system's secure generator, as hex.
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return String(byte, radix: 16).leftPadded(to: 2)
        }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
