/// The allowed-models policy: which `provider/model` names any role may call.
///
/// Patterns are exact `provider/model` names, `provider/*` for a whole provider, or `*`.
public struct AllowedModels: Codable, Sendable, Equatable {
    public var patterns: [String]

    public init(_ patterns: [String]) {
        self.patterns = patterns
    }

    public func allows(_ model: ModelSpec) -> Bool {
        allows(qualifiedName: model.qualifiedName)
    }

    public func allows(qualifiedName name: String) -> Bool {
        patterns.contains { pattern in
            if pattern == "*" { return true }
            if pattern.hasSuffix("/*") { return name.hasPrefix(String(pattern.dropLast(1))) }
            return pattern == name
        }
    }

    /// Throws ``ModelError/notAllowed(model:allowed:role:)`` unless `model` is allowed.
    public func check(_ model: ModelSpec, role: String? = nil) throws {
        guard allows(model) else { throw ModelError.notAllowed(model: model.qualifiedName, allowed: patterns, role: role) }
    }
}

/// Wraps a client so that a call for a model outside the policy fails before any bytes
/// leave the process, and a response served by a model outside the policy fails too.
public struct GuardedModelClient: ModelClient {
    public let inner: any ModelClient
    public let allowed: AllowedModels
    public let role: String?

    public init(_ inner: any ModelClient, allowed: AllowedModels, role: String? = nil) {
        self.inner = inner
        self.allowed = allowed
        self.role = role
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        try allowed.check(request.model, role: role)
        let response = try await inner.complete(request)
        let served = ModelSpec(provider: request.model.provider, id: response.servedModel)
        if response.servedModel != request.model.id, !allowed.allows(served) {
            throw ModelError.notAllowed(model: served.qualifiedName, allowed: allowed.patterns, role: role)
        }
        return response
    }
}
