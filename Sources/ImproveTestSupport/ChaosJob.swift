import Foundation
import ImproveCore

/// The multi-step job of the store's SIGKILL chaos test, shared by the worker process that runs
/// it and the test that checks it: `steps` model calls in batches of four concurrent calls, each
/// batch's prompts chained to the previous batch's answers.
public enum ChaosJob {
    public static let batchSize = 4
    /// One fixed worker id: a restarted worker takes its own unfinished claims back at once.
    public static let workerID = "chaos-worker"
    public static let model = ModelSpec(provider: "stub", id: "chaos-model", temperature: 0, maxTokens: 16)

    /// The user message of step `index`.
    public static func prompt(step index: Int, previous: String) -> String {
        "step \(index) after \(previous)"
    }

    public static func request(message: String) -> ChatRequest {
        ChatRequest(model: model, messages: [.user(message)])
    }

    /// The checkpoint the journal gives the call carrying `message` (messages are unique, so
    /// the occurrence is always 1).
    public static func checkpoint(message: String) throws -> String {
        try ContentHash.of(JournaledModelClient.signature(of: request(message: message))) + "#1"
    }

    /// Runs (or resumes) the job and returns the SHA-256 over all answers.
    public static func run(store: any RunStore, client: any ModelClient, runKey: String, steps: Int) async throws -> String {
        let spec = RunSpec(
            dedupeKey: runKey, seed: 7, profileName: "chaos", profileHash: "none", surface: "prompt",
            generator: "chaos", config: ["steps": .number(Double(steps))], policy: [:])
        let (run, _) = try await store.openRun(spec, workerID: workerID)
        let journaled = JournaledModelClient(client, journal: try await store.journal(runID: run.id, workerID: workerID))
        var answers: [String] = []
        var previous = "start"
        for batchStart in stride(from: 0, to: steps, by: batchSize) {
            let indices = Array(batchStart..<min(steps, batchStart + batchSize))
            let chained = previous
            let batch = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in indices {
                    group.addTask {
                        (index, try await journaled.complete(request(message: prompt(step: index, previous: chained))).text)
                    }
                }
                var collected: [(Int, String)] = []
                for try await answer in group { collected.append(answer) }
                return collected.sorted { $0.0 < $1.0 }.map(\.1)
            }
            answers += batch
            previous = String(ContentHash.sha256(batch.joined(separator: "|")).prefix(8))
        }
        let result = ContentHash.sha256(answers.joined(separator: "\n"))
        try await store.finishRun(id: run.id, state: .completed, result: .string(result), failure: nil)
        return result
    }
}
