import Foundation
import ImproveCore

/// Runs a profile on items with the task model and scores each output.
///
/// Rollouts run concurrently up to `concurrency` (the provider's own limit still applies).
/// A failed rollout (network, provider, scorer error) is a result with `error` set and score 0,
/// so one bad item never loses the others; callers count those apart from low scores.
public struct SuiteEvaluator: ProfileEvaluator {
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void
    let client: any ModelClient
    let scorer: CompositeScorer
    let concurrency: Int
    let progress: Progress?

    /// - Parameters:
    ///   - client: the task model, already wrapped in the guard and the journal.
    ///   - scorers: the suite's scorer entries.
    ///   - concurrency: rollouts in flight at once.
    ///   - progress: called after each item with (done, total).
    ///   - environment: judge client, journal (judge and command calls become `.scorer` steps)
    ///     and the directory command scorers run in.
    public init(client: any ModelClient, scorers: [ScorerConfig], concurrency: Int = 4, progress: Progress? = nil, environment: ScorerEnvironment = ScorerEnvironment()) throws {
        self.client = client
        self.scorer = try CompositeScorer(configs: scorers, environment: environment)
        self.concurrency = max(1, concurrency)
        self.progress = progress
    }

    public func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult] {
        var results = [ItemResult?](repeating: nil, count: items.count)
        var done = 0
        try await withThrowingTaskGroup(of: (Int, ItemResult).self) { group in
            var next = 0
            func launch() {
                let index = next
                let item = items[index]
                next += 1
                group.addTask { (index, try await rollout(profile, item)) }
            }
            while next < min(concurrency, items.count) { launch() }
            while let (index, result) = try await group.next() {
                results[index] = result
                done += 1
                progress?(done, items.count)
                if next < items.count { launch() }
            }
        }
        return results.compactMap { $0 }
    }

    func rollout(_ profile: AgentProfile, _ item: EvalItem) async throws -> ItemResult {
        let messages = PromptRenderer.messages(for: profile, item: item)
        let response: ChatResponse
        do {
            response = try await client.complete(ChatRequest(model: profile.model, messages: messages))
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as ModelError {
            // A policy breach is never an item failure: it must stop the run.
            if case .notAllowed = error { throw error }
            return ItemResult(itemID: item.id, score: 0, feedback: "The model call failed: \(error)", error: String(describing: error))
        } catch let error as StoreError {
            throw error
        } catch {
            return ItemResult(itemID: item.id, score: 0, feedback: "The model call failed: \(error)", error: String(describing: error))
        }
        let trace = RolloutTrace(messages: messages, output: response.text, usage: response.usage, servedModel: response.servedModel, latencyMs: response.latencyMs, source: response.source)
        do {
            let (result, dimensions) = try await scorer.score(output: response.text, item: item)
            return ItemResult(itemID: item.id, score: result.score, passed: result.passed, feedback: result.feedback, dimensions: dimensions, trace: trace)
        } catch {
            return ItemResult(itemID: item.id, score: 0, feedback: "Scoring failed: \(error)", trace: trace, error: String(describing: error))
        }
    }
}
