import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing

/// Tier 3 and 4: the real local model (scripts/local-model), and a cassette recorded from it
/// replayed with the server out of reach.
@Suite("Live local model", .serialized)
struct LiveCompletionTests {
    static func config() -> ProviderConfig {
        var config = ProviderConfig.builtIns["local"] ?? ProviderConfig(name: "local", kind: .openai, baseURL: nil)
        config.timeoutSeconds = 300
        return config
    }

    static let request = ChatRequest(
        model: ModelSpec(provider: "local", id: LiveModel.modelID, temperature: 0, maxTokens: 12, seed: 42),
        messages: [.system("You are a terse assistant."), .user("Name one primary colour.")])

    @Test("a real completion through OpenAICompatibleClient", .enabled(if: LiveModel.shouldRun))
    func realCompletion() async throws {
        guard let base = try await LiveModel.requireOrSkip() else { return }
        let client = OpenAICompatibleClient(config: Self.config(), baseURL: base)
        let response = try await client.complete(Self.request)
        #expect(!response.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(response.servedModel == LiveModel.modelID)
        #expect(response.usage.inputTokens > 0 && response.usage.outputTokens > 0)
        #expect(response.usage.outputTokens <= 12)
        #expect(response.latencyMs > 0)
        print("live completion: \(Int(response.latencyMs)) ms, \(response.usage.inputTokens) in / \(response.usage.outputTokens) out: \(response.text)")
    }

    @Test("record against the live model, replay-only against a dead URL: identical answers", .enabled(if: LiveModel.shouldRun))
    func recordAndReplay() async throws {
        guard let base = try await LiveModel.requireOrSkip() else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let recorder = try CassetteModelClient(inner: OpenAICompatibleClient(config: Self.config(), baseURL: base), file: file, mode: .record)
        let recorded = try await recorder.complete(Self.request)

        // Port 9 (discard) on loopback: nothing listens, so any call that leaks out fails.
        let dead = try #require(URL(string: "http://127.0.0.1:9/v1"))
        let deadClient = OpenAICompatibleClient(config: Self.config(), baseURL: dead, retry: RetryPolicy(maxAttempts: 1))
        let replayer = try CassetteModelClient(inner: deadClient, file: file, mode: .replayOnly)
        let replayed = try await replayer.complete(Self.request)
        #expect(replayed.text == recorded.text)
        #expect(replayed.usage == recorded.usage)
        #expect(replayed.servedModel == recorded.servedModel)
        #expect(replayed.finishReason == recorded.finishReason)
        #expect(replayed.source == "replay")
        await #expect(throws: ModelError.self) { try await deadClient.complete(Self.request) }
    }
}
