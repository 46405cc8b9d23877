import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing

/// Replies that are not what they claim to be, from a real loopback server: each is a typed
/// ``ModelError`` whose text says what came back and what to check, never a crash.
@Suite("Provider replies that are not what they claim")
struct ProviderReplyTests {
    static let spec = ModelSpec(provider: "stubbed", id: "stub-model", temperature: 0, maxTokens: 8)

    static func client(_ baseURL: URL, kind: ProviderConfig.Kind = .openai, apiKey: String? = nil) -> any ModelClient {
        let config = ProviderConfig(name: "stubbed", kind: kind, baseURL: baseURL, maxRetries: 0)
        let retry = RetryPolicy(maxAttempts: 1)
        let format = ProviderWireFormats.builtIn.format(for: kind)!
        return format.client(for: ProviderEndpoint(config: config, baseURL: baseURL, apiKey: apiKey, limiter: ConcurrencyLimiter(limit: 1), retry: retry))
    }

    static func failure(_ reply: StubReply, kind: ProviderConfig.Kind = .openai) async throws -> ModelError {
        let stub = try await StubModelServer.start(script: [reply])
        defer { Task { await stub.stop() } }
        return try await #require(throws: ModelError.self) {
            try await client(stub.baseURL, kind: kind).complete(ChatRequest(model: spec, messages: [.user("hi")]))
        }
    }

    @Test("a base URL without /v1 gets a 404 for the path, and the error asks about /v1")
    func missingV1() async throws {
        let stub = try await StubModelServer.start()
        defer { Task { await stub.stop() } }
        let withoutV1 = try #require(URL(string: "http://127.0.0.1:\(stub.port)"))
        let error = try await #require(throws: ModelError.self) {
            try await Self.client(withoutV1).complete(ChatRequest(model: Self.spec, messages: [.user("hi")]))
        }
        guard case .endpointNotFound(let provider, let url, _) = error else { Issue.record("expected endpointNotFound, got \(error)"); return }
        #expect(provider == "stubbed")
        #expect(url.hasSuffix("/chat/completions"))
        #expect(error.description.contains("does the base URL end in /v1?"))
        #expect(!error.description.contains("does not serve model"))
    }

    @Test("a 404 that names the model is still an unknown model")
    func unknownModel() async throws {
        let error = try await Self.failure(.error(status: 404, message: "The model `stub-model` does not exist"))
        guard case .unknownModel = error else { Issue.record("expected unknownModel, got \(error)"); return }
    }

    @Test("an HTML page with status 200 is named as HTML, with its title and the /v1 hint")
    func htmlPage() async throws {
        let page = "<!DOCTYPE html><html><head><title>Sign in - Corporate Proxy</title></head><body>login</body></html>"
        let error = try await Self.failure(.raw(page))
        guard case .malformedResponse(_, let detail) = error else { Issue.record("expected malformedResponse, got \(error)"); return }
        #expect(detail.contains("HTML page titled \"Sign in - Corporate Proxy\""))
        #expect(detail.contains("/v1"))
    }

    @Test("an HTML 404 page is a wrong endpoint, described by its title")
    func htmlNotFound() async throws {
        let error = try await Self.failure(.raw("<html><head><title>404 Not Found</title></head></html>", status: 404))
        guard case .endpointNotFound(_, _, let detail) = error else { Issue.record("expected endpointNotFound, got \(error)"); return }
        #expect(detail.contains("404 Not Found"))
    }

    @Test("a truncated body, an empty body, no choices and an error inside a 200 each say what they are")
    func brokenBodies() async throws {
        let truncated = try await Self.failure(.raw("{\"id\": \"x\", \"choices\": [{\"message\": {\"content\": \"hal"))
        #expect(truncated.description.contains("cut off"))
        let empty = try await Self.failure(.raw(""))
        #expect(empty.description.contains("the body is empty"))
        let noChoices = try await Self.failure(.json(["id": "x", "choices": []]))
        #expect(noChoices.description.contains("empty choices list"))
        let embedded = try await Self.failure(.json(["error": ["message": "model overloaded"]]))
        #expect(embedded.description.contains("carries an error instead of choices[0].message: model overloaded"))
        let anthropicShape = try await Self.failure(.json(["id": "x", "type": "message"]), kind: .anthropic)
        #expect(anthropicShape.description.contains("no content in the answer"))
    }

    @Test("error text that echoes request headers hides Authorization and x-api-key values")
    func echoedHeadersAreRedacted() async throws {
        let key = "sk-canary-echo-7f3a9c"
        for kind in [ProviderConfig.Kind.openai, .anthropic] {
            let stub = try await StubModelServer.start(responder: { request in
                let echoed = request.headers.map { "\($0.key): \($0.value)" }.sorted().joined(separator: "; ")
                return .error(status: 401, message: "rejected request with headers \(echoed)")
            })
            let error = try await #require(throws: ModelError.self) {
                try await Self.client(stub.baseURL, kind: kind, apiKey: key).complete(ChatRequest(model: Self.spec, messages: [.user("hi")]))
            }
            await stub.stop()
            #expect(!error.description.contains(key))
            #expect(!error.description.contains("canary"))
            #expect(error.description.contains(kind == .openai ? "authorization: Bearer [REDACTED]" : "x-api-key: [REDACTED]"))
        }
        let unknown = Redactor(secrets: []).redact("Authorization: Bearer other-secret-123, \"x-api-key\": \"abc-456\", url?api_key=zzz999")
        #expect(!unknown.contains("other-secret-123"))
        #expect(!unknown.contains("abc-456"))
        #expect(!unknown.contains("zzz999"))
    }
}
