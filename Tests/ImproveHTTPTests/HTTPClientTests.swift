import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing

/// Tier 2: the real HTTP clients against a loopback stub server started by each test.
@Suite("HTTP model clients against the loopback stub")
struct HTTPClientTests {
    static let spec = ModelSpec(provider: "stubbed", id: "stub-model", temperature: 0.2, maxTokens: 12, seed: 5)
    static let fast = RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05, jitter: 0.5)

    static func config(timeout: Double = 10, concurrency: Int = 4, allowMismatch: Bool = false, kind: ProviderConfig.Kind = .openai) -> ProviderConfig {
        ProviderConfig(
            name: "stubbed", kind: kind, baseURL: nil, concurrency: concurrency, timeoutSeconds: timeout, maxRetries: 3,
            allowServedModelMismatch: allowMismatch, prices: ["stub-model": ModelPrice(inputPerMillion: 2, outputPerMillion: 10)])
    }

    static func request(_ text: String = "hello") -> ChatRequest {
        ChatRequest(model: spec, messages: [.system("be brief"), .user(text)], stop: ["\n\n"])
    }

    @Test("a completion sends the sampling settings and returns text, usage, cost, served model and latency")
    func success() async throws {
        let stub = try await StubModelServer.start()
        defer { Task { await stub.stop() } }
        let client = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, apiKey: "sk-test-secret-value", retry: Self.fast)
        let response = try await client.complete(Self.request())
        #expect(response.text == "echo: hello")
        #expect(response.finishReason == "stop")
        #expect(response.servedModel == "stub-model")
        #expect(response.usage.inputTokens == 7 && response.usage.outputTokens == 3)
        #expect(abs(response.usage.cost - (7 * 2 + 3 * 10) / 1_000_000) < 1e-15)
        #expect(response.latencyMs > 0)
        #expect(response.source == "live")
        let sent = try #require(stub.completionRequests.first)
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.headers["authorization"] == "Bearer sk-test-secret-value")
        let body = try #require(sent.json)
        #expect(body["temperature"]?.doubleValue == 0.2)
        #expect(body["max_tokens"]?.doubleValue == 12)
        #expect(body["seed"]?.doubleValue == 5)
        #expect(body["stop"] == ["\n\n"])
        #expect(body["messages"]?.arrayValue?.count == 2)
    }

    @Test("429 with Retry-After is retried no sooner than the server asked")
    func retryAfter() async throws {
        let stub = try await StubModelServer.start(script: [.error(status: 429, message: "slow down", retryAfter: 1)])
        defer { Task { await stub.stop() } }
        let client = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, retry: Self.fast)
        let response = try await client.complete(Self.request())
        #expect(response.text == "echo: hello")
        let times = stub.completionRequests.map(\.receivedAt)
        try #require(times.count == 2)
        #expect(times[1] - times[0] >= .seconds(1))
    }

    @Test("a 500 is retried and the second answer is used")
    func serverErrorThenSuccess() async throws {
        let stub = try await StubModelServer.start(script: [.error(status: 500), .error(status: 503)])
        defer { Task { await stub.stop() } }
        let client = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, retry: Self.fast)
        let response = try await client.complete(Self.request())
        #expect(response.text == "echo: hello")
        #expect(stub.completionRequests.count == 3)
        #expect(Set(stub.countsByBodyHash.values) == [3])
    }

    @Test("retries run out with a typed error naming the attempts")
    func exhausted() async throws {
        let stub = try await StubModelServer.start(responder: { _ in .error(status: 502, message: "bad gateway") })
        defer { Task { await stub.stop() } }
        let client = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.001))
        let error = try await #require(throws: ModelError.self) { try await client.complete(Self.request()) }
        guard case .exhausted(_, let attempts, let last) = error else { Issue.record("expected exhausted, got \(error)"); return }
        #expect(attempts == 3)
        #expect(last.contains("HTTP 502"))
        #expect(stub.completionRequests.count == 3)
    }

    @Test("a body that is not JSON is a malformedResponse, not a crash or a retry")
    func malformed() async throws {
        let stub = try await StubModelServer.start(script: [.raw("{\"choices\": [oops")])
        defer { Task { await stub.stop() } }
        let client = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, retry: Self.fast)
        let error = try await #require(throws: ModelError.self) { try await client.complete(Self.request()) }
        guard case .malformedResponse = error else { Issue.record("expected malformedResponse, got \(error)"); return }
        #expect(stub.completionRequests.count == 1)
    }

    @Test("a server slower than the timeout gives ModelError.timeout")
    func timeout() async throws {
        // The server would answer after a minute; the error must come long before that. The
        // bound is loose on purpose: on a loaded two-core machine a 0.5 s timer may fire late.
        let stub = try await StubModelServer.start(responder: StubModelServer.echo(delay: .seconds(60)))
        defer { Task { await stub.stop() } }
        let client = OpenAICompatibleClient(config: Self.config(timeout: 0.5), baseURL: stub.baseURL, retry: RetryPolicy(maxAttempts: 1))
        let started = ContinuousClock.now
        let error = try await #require(throws: ModelError.self) { try await client.complete(Self.request()) }
        #expect(error == .timeout(provider: "stubbed", seconds: 0.5))
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("20 parallel calls through clients sharing a limiter never exceed the limit in flight")
    func concurrencyLimit() async throws {
        let stub = try await StubModelServer.start(responder: StubModelServer.echo(delay: .milliseconds(50)))
        defer { Task { await stub.stop() } }
        let limiter = ConcurrencyLimiter(limit: 3)
        let clients = (0..<2).map { _ in
            OpenAICompatibleClient(config: Self.config(concurrency: 3), baseURL: stub.baseURL, limiter: limiter, retry: Self.fast)
        }
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask { try await clients[index % 2].complete(Self.request("n\(index)")).text }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(texts.count == 20)
        #expect(stub.completionRequests.count == 20)
        #expect(stub.maxInFlight <= 3)
        #expect(stub.maxInFlight >= 2)
    }

    @Test("401 is not retried and the key never appears in the error")
    func unauthorized() async throws {
        let key = "sk-live-0123456789abcdef"
        let stub = try await StubModelServer.start(script: [.error(status: 401, message: "invalid key \(key)")])
        defer { Task { await stub.stop() } }
        let client = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, apiKey: key, retry: Self.fast)
        let error = try await #require(throws: ModelError.self) { try await client.complete(Self.request()) }
        guard case .unauthorized(_, let status, _) = error else { Issue.record("expected unauthorized, got \(error)"); return }
        #expect(status == 401)
        #expect(!error.description.contains(key))
        #expect(stub.completionRequests.count == 1)
    }

    @Test("404 maps to unknownModel, other 4xx to badRequest, neither retried")
    func clientErrors() async throws {
        let stub = try await StubModelServer.start(script: [.error(status: 404, message: "no such model"), .error(status: 422, message: "bad max_tokens")])
        defer { Task { await stub.stop() } }
        let client = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, retry: Self.fast)
        let first = try await #require(throws: ModelError.self) { try await client.complete(Self.request()) }
        #expect(first == .unknownModel(provider: "stubbed", model: "stub-model", detail: "no such model"))
        let second = try await #require(throws: ModelError.self) { try await client.complete(Self.request()) }
        #expect(second == .badRequest(provider: "stubbed", status: 422, detail: "bad max_tokens"))
        #expect(stub.completionRequests.count == 2)
    }

    @Test("a served model other than the requested one is refused unless the provider allows it")
    func servedModelMismatch() async throws {
        let stub = try await StubModelServer.start(responder: StubModelServer.echo(servedModel: "other-model"))
        defer { Task { await stub.stop() } }
        let strict = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, retry: Self.fast)
        let error = try await #require(throws: ModelError.self) { try await strict.complete(Self.request()) }
        #expect(error == .servedModelMismatch(requested: "stub-model", served: "other-model"))
        let lenient = OpenAICompatibleClient(config: Self.config(allowMismatch: true), baseURL: stub.baseURL, retry: Self.fast)
        #expect(try await lenient.complete(Self.request()).servedModel == "other-model")
        #expect(ServedModel.matches(requested: "gpt-4o-mini", served: "gpt-4o-mini-2024-07-18"))
        #expect(!ServedModel.matches(requested: "gpt-4o", served: "gpt-4o-mini"))
    }

    @Test("the Anthropic client separates the system prompt and sends its headers")
    func anthropic() async throws {
        let stub = try await StubModelServer.start()
        defer { Task { await stub.stop() } }
        let client = AnthropicClient(config: Self.config(kind: .anthropic), baseURL: stub.baseURL, apiKey: "ak-test-key", retry: Self.fast)
        let response = try await client.complete(Self.request())
        #expect(response.text == "echo: hello")
        #expect(response.finishReason == "end_turn")
        let sent = try #require(stub.completionRequests.first)
        #expect(sent.path == "/v1/messages")
        #expect(sent.headers["x-api-key"] == "ak-test-key")
        #expect(sent.headers["anthropic-version"] == AnthropicClient.apiVersion)
        let body = try #require(sent.json)
        #expect(body["system"] == "be brief")
        #expect(body["messages"] == [["role": "user", "content": "hello"]])
        #expect(body["stop_sequences"] == ["\n\n"])
    }

    @Test("the allowed-models guard stops a disallowed call before the server sees a byte")
    func guardSendsNothing() async throws {
        let stub = try await StubModelServer.start()
        defer { Task { await stub.stop() } }
        let inner = OpenAICompatibleClient(config: Self.config(), baseURL: stub.baseURL, retry: Self.fast)
        let guarded = GuardedModelClient(inner, allowed: AllowedModels(["local/*"]), role: "target")
        let error = try await #require(throws: ModelError.self) { try await guarded.complete(Self.request()) }
        guard case .notAllowed(let model, _, let role) = error else { Issue.record("expected notAllowed, got \(error)"); return }
        #expect(model == "stubbed/stub-model")
        #expect(role == "target")
        #expect(stub.requestCount == 0)
    }
}
