import Synchronization
import Foundation
import ImproveCore
import ImprovePostgres
import ImproveTestSupport

/// A store of its own (a fresh schema) on the test server (scripts/postgres), with a short
/// lease for the lease tests.
func openTestStore(lease: TimeInterval = 30) async throws -> PostgresRunStore {
    try await PostgresRunStore.open(
        try PostgresLocation(parsing: try PostgresTestServer.require()), leaseDuration: lease,
        schema: freshSchemaName())
}

/// A run of its own per test: tests share one database and run in parallel.
func uniqueSpec(_ label: String, allowed: [String] = ["local/*"]) throws -> RunSpec {
    let policy = Policy(allowedModels: AllowedModels(allowed))
    return RunSpec(
        dedupeKey: "test/\(label)/\(UUID().uuidString)", seed: 42, profileName: "sentiment", profileHash: "abc123", surface: "prompt",
        generator: "reflective", config: ["budget": 10], policy: try JSONValue(encoding: policy))
}

func chat(_ prompt: String, model: String = "stub") -> ChatRequest {
    ChatRequest(model: ModelSpec(provider: "local", id: model), messages: [.user(prompt)])
}

/// A model that answers by echoing the prompt and counts its calls.
final class EchoModel: ModelClient, Sendable {
    private let calls = Counter()

    var callCount: Int { calls.value }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        calls.increment()
        return ChatResponse(
            text: "echo: " + (request.messages.last?.content ?? ""), usage: Usage(inputTokens: 3, outputTokens: 2, cost: 0.001),
            servedModel: request.model.id, source: "stub")
    }
}

/// A model that must never be called (the coordinator of a distributed run).
struct UnreachableModel: ModelClient {
    struct Called: Error {}
    func complete(_ request: ChatRequest) async throws -> ChatResponse { throw Called() }
}

/// A thread-safe counter.
final class Counter: Sendable {
    private let box = Mutex(0)
    var value: Int { box.withLock { $0 } }
    func increment() { box.withLock { $0 += 1 } }
}

/// A run of its own on `store` and the model client of its coordinator, whose calls go to workers.
func coordinator(on store: PostgresRunStore, _ label: String, allowed: [String] = ["local/*"]) async throws -> (runID: String, client: any ModelClient) {
    let runID = try await store.openRun(try uniqueSpec(label, allowed: allowed), workerID: "coordinator").run.id
    let client = JournaledModelClient(UnreachableModel(), journal: try await store.dispatchingJournal(runID: runID, workerID: "coordinator"))
    return (runID, client)
}
