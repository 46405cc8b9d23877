import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing

/// The issue's report against the real local server: a base URL without `/v1` must never be
/// reported as a model the server does not serve.
@Suite("Live local model: bad base URL")
struct LiveBadInputTests {
    @Test("a base URL without /v1 is named as a wrong endpoint, not an unknown model", .enabled(if: LiveModel.shouldRun))
    func baseURLWithoutV1() async throws {
        guard let base = try await LiveModel.requireOrSkip() else { return }
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        let withoutV1 = try #require(URL(string: text.hasSuffix("/v1") ? String(text.dropLast(3)) : text))
        let config = ProviderConfig(name: "local", kind: .openai, baseURL: withoutV1, timeoutSeconds: 60, maxRetries: 0)
        let client = OpenAICompatibleClient(config: config, baseURL: withoutV1, retry: RetryPolicy(maxAttempts: 1))
        let request = ChatRequest(model: ModelSpec(provider: "local", id: LiveModel.modelID, temperature: 0, maxTokens: 4), messages: [.user("Hi")])
        do {
            _ = try await client.complete(request)
            // Some servers also route paths without /v1; then there is nothing to diagnose.
            print("live: \(withoutV1) also serves chat completions without /v1")
        } catch let error as ModelError {
            guard case .endpointNotFound = error else { Issue.record("expected endpointNotFound, got \(error)"); return }
            #expect(error.description.contains("does the base URL end in /v1?"))
        }
    }
}
