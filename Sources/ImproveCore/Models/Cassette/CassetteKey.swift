import Foundation

/// The identity of a recorded call: SHA-256 of the canonical JSON of everything that decides
/// the answer — endpoint, provider, model, messages, sampling settings, stop sequences.
public enum CassetteKey {
    /// Bumped when the key's fields change, so old cassettes miss instead of replaying wrongly.
    public static let scheme = 1

    /// The JSON document the key hashes.
    public static func document(for request: ChatRequest, endpoint: String) -> JSONValue {
        [
            "scheme": .number(Double(scheme)),
            "baseURL": .string(endpoint),
            "provider": .string(request.model.provider),
            "model": .string(request.model.id),
            "messages": .array(request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }),
            "temperature": .number(request.model.temperature),
            "maxTokens": .number(Double(request.model.maxTokens)),
            "seed": request.model.seed.map { .number(Double($0)) } ?? .null,
            "stop": .array(request.stop.map { .string($0) }),
        ]
    }

    /// The key: lower-case hex SHA-256 of ``document(for:endpoint:)``'s canonical JSON.
    public static func of(_ request: ChatRequest, endpoint: String) throws -> String {
        try ContentHash.of(document(for: request, endpoint: endpoint))
    }
}
