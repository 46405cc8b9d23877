import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Generators
import ImproveCore
import Testing

/// The search loop against the real local model (SmolLM2-135M via llama.cpp) on SST-2
/// phrases: skipped when IMPROVE_BASE_URL is unset, failing when IMPROVE_REQUIRE_LIVE=1
/// and the server does not answer.
@Suite("Live prompt evolution", .enabled(if: LiveServer.baseURL != nil || LiveServer.required))
struct LivePromptEvolutionTests {
    @Test("a short GEPA run with operators on SST-2 stays within budget and records every proposal", .timeLimit(.minutes(30)))
    func shortRun() async throws {
        let base = try #require(LiveServer.baseURL, "IMPROVE_REQUIRE_LIVE=1 but IMPROVE_BASE_URL is unset")
        let client = MinimalOpenAIClient(baseURL: base)
        let model = ModelSpec(provider: "local", id: "smollm2-135m-instruct", temperature: 0, maxTokens: 20, seed: 1)
        do {
            _ = try await client.complete(ChatRequest(model: model, messages: [.user("hi")]))
        } catch {
            Issue.record("the local model at \(base) did not answer: \(error)")
            return
        }
        let rows = try LiveServer.sst2(limit: 20)
        let search = SearchSet(items: rows)
        let evaluator = LabelMatchEvaluator(client: client)
        let profile = AgentProfile(name: "sentiment", model: model, systemPrompt: "Classify the sentiment.", userTemplate: "{{input}}")
        let reflection = ModelSpec(provider: "local", id: "smollm2-135m-instruct", temperature: 0, maxTokens: 64, seed: 1)
        let budget = Budget(metricCalls: 60)
        let engine = SearchEngine(
            base: profile, surface: PromptSurface(), search: search, evaluator: evaluator,
            generator: CompositeGenerator.standard(reflectionModel: reflection), reflectionModel: client, budget: budget,
            settings: SearchSettings(seed: 2026, minibatchSize: 3, maxConsecutiveFailures: 12, maxComponentLength: 2000),
            options: SearchOptions(split: .disjoint(valFraction: 0.5)),
            checkpoint: { event in
                if case .proposal(let record, _) = event {
                    FileHandle.standardError.write(Data("LIVE progress #\(record.iteration) \(record.generator) \(record.reason)\n".utf8))
                }
            })
        let result = try await engine.run()

        #expect(result.spend.metricCalls <= 60)
        #expect(!result.proposals.isEmpty)
        let baselineCalls = result.split.validation.count
        #expect(result.proposals.map(\.metricCalls).reduce(0, +) + baselineCalls == result.spend.metricCalls)
        #expect(evaluator.pairsScored == result.spend.metricCalls)
        let seed = result.pool[0]
        let best = try #require(result.best)

        // For the report only (outside the budget): both on the whole search split.
        let before = try await evaluator.mean(profile, on: rows)
        let after = try await evaluator.mean(try PromptSurface().apply(best.candidate.components, to: profile), on: rows)
        print("LIVE sst2 validation mean: seed \(seed.meanScore) -> best \(best.meanScore); whole search split (\(rows.count)): \(before) -> \(after)")
        print("LIVE proposals: \(result.proposals.count), accepted: \(result.proposals.filter(\.accepted).count), spend: \(result.spend.metricCalls) calls, stop: \(result.stop)")
        for record in result.proposals {
            print("LIVE #\(record.iteration) \(record.generator.isEmpty ? "-" : record.generator) [\(record.changedComponents.joined(separator: ","))] \(record.parentScores) -> \(record.childScores): \(record.reason)")
        }
        print("LIVE best components: \(best.candidate.components)")
        #expect(best.meanScore >= seed.meanScore)
    }
}

enum LiveServer {
    static var baseURL: String? { ProcessInfo.processInfo.environment["IMPROVE_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static var required: Bool { ProcessInfo.processInfo.environment["IMPROVE_REQUIRE_LIVE"] == "1" }

    static func sst2(limit: Int) throws -> [EvalItem] {
        let path = ProcessInfo.processInfo.environment["IMPROVE_SST2"] ?? "/work/shared/data/sst2-sample.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        struct Row: Decodable { let id: String; let input: String; let expected: String }
        return try text.split(separator: "\n").prefix(limit).map { line in
            let row = try JSONDecoder().decode(Row.self, from: Data(line.utf8))
            return EvalItem(id: row.id, input: row.input, expected: row.expected)
        }
    }
}

/// Just enough of an OpenAI-compatible chat client for this test.
struct MinimalOpenAIClient: ModelClient {
    let baseURL: String

    struct Failure: Error, CustomStringConvertible { let description: String }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        guard let url = URL(string: baseURL + "/chat/completions") else { throw Failure(description: "bad base URL \(baseURL)") }
        var body: [String: Any] = [
            "model": request.model.id, "temperature": request.model.temperature, "max_tokens": request.model.maxTokens,
            "messages": request.messages.map { ["role": $0.role.rawValue, "content": $0.content] },
        ]
        if let seed = request.model.seed { body["seed"] = seed }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = "POST"
        urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        urlRequest.httpBody = try JSONSerialization.data(withJSONObject: body)
        urlRequest.timeoutInterval = 600
        let (data, _) = try await URLSession.shared.data(for: urlRequest)
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let choice = (json["choices"] as? [[String: Any]])?.first,
              let message = choice["message"] as? [String: Any] else {
            throw Failure(description: "unreadable response: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        let usage = json["usage"] as? [String: Any]
        return ChatResponse(
            text: message["content"] as? String ?? "", finishReason: choice["finish_reason"] as? String ?? "stop",
            usage: Usage(inputTokens: usage?["prompt_tokens"] as? Int ?? 0, outputTokens: usage?["completion_tokens"] as? Int ?? 0),
            servedModel: json["model"] as? String ?? request.model.id, source: "live")
    }
}

/// Scores 1 when the expected label appears in the output and no other label does.
final class LabelMatchEvaluator: ProfileEvaluator, @unchecked Sendable {
    let client: any ModelClient
    private let lock = NSLock()
    private var count = 0

    init(client: any ModelClient) {
        self.client = client
    }

    var pairsScored: Int { lock.withLock { count } }

    func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult] {
        lock.withLock { count += items.count }
        return try await run(profile, on: items)
    }

    func mean(_ profile: AgentProfile, on items: [EvalItem]) async throws -> Double {
        let results = try await run(profile, on: items)
        return results.map(\.score).reduce(0, +) / Double(max(results.count, 1))
    }

    private func run(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult] {
        let labels = Set(items.compactMap(\.expected)).union(["positive", "negative"])
        var results: [ItemResult] = []
        for item in items {
            var messages: [ChatMessage] = []
            if !profile.systemPrompt.isEmpty { messages.append(.system(profile.systemPrompt)) }
            messages.append(.user(Template.render(profile.userTemplate, item.fields)))
            let response = try await client.complete(ChatRequest(model: profile.model, messages: messages))
            let output = response.text.lowercased()
            let expected = (item.expected ?? "").lowercased()
            let others = labels.map { $0.lowercased() }.filter { $0 != expected }
            let hit = output.contains(expected) && !others.contains { output.contains($0) }
            let feedback = hit ? "correct: answered \(expected)" : "expected exactly \"\(expected)\", got \"\(response.text.prefix(80))\""
            let trace = RolloutTrace(messages: messages, output: response.text, usage: response.usage, servedModel: response.servedModel, latencyMs: response.latencyMs, source: response.source)
            results.append(ItemResult(itemID: item.id, score: hit ? 1 : 0, passed: hit, feedback: feedback, trace: trace))
        }
        return results
    }
}
