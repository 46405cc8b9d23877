import Evals
import Foundation
import Improve
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// The one run skeleton as a library caller meets it: the policy's spend ceiling without the CLI,
/// and `evaluate` as a run of its own that a second call replays.
@Suite struct RunSessionTests {
    /// Answers every item with its expected label, so runs are deterministic.
    static func model(_ bundle: ProfileBundle) -> ScriptedModelClient {
        let labels = Dictionary(bundle.suite.items.map { ($0.input, $0.expected ?? "") }, uniquingKeysWith: { first, _ in first })
        return ScriptedModelClient { request in
            let user = request.messages.last { $0.role == .user }?.content ?? ""
            return labels.first { user.contains($0.key) }?.value ?? "positive"
        }
    }

    static func sentiment(spendCeiling: String? = nil) throws -> URL {
        let directory = try Fixtures.copyOfProfile("sentiment")
        if let spendCeiling {
            let policy = directory.appendingPathComponent("policy.yaml")
            let text = try String(contentsOf: policy, encoding: .utf8) + "\nspendCeiling: {limit: \(spendCeiling), window: 24h}\n"
            try text.write(to: policy, atomically: true, encoding: .utf8)
        }
        return directory
    }

    static func improveSentiment(_ directory: URL, model: ScriptedModelClient, gate: SpendGate? = nil) async throws -> ImproveOutcome {
        let bundle = try ProfileBundle.load(directory: directory)
        var options = ImproveOptions(budget: Budget(metricCalls: 140))
        options.spendGate = gate
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        return try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, options: options, store: store, models: ModelAccess(isStubOrReplay: true) { _ in model })
    }

    @Test func improveEnforcesThePolicysSpendCeilingAndResumesWithoutRepeats() async throws {
        // The reference: the same run with no ceiling.
        let free = try Self.sentiment()
        let referenceModel = Self.model(try ProfileBundle.load(directory: free))
        let reference = try await Self.improveSentiment(free, model: referenceModel)

        let limited = try Self.sentiment(spendCeiling: "12calls")
        let model = Self.model(try ProfileBundle.load(directory: limited))
        let reached = try await #require(throws: SpendCeilingReached.self) { try await Self.improveSentiment(limited, model: model) }
        let paidUnderCeiling = model.callCount
        #expect(paidUnderCeiling >= 12 && paidUnderCeiling < referenceModel.callCount, "\(paidUnderCeiling) calls under a 12-call ceiling")
        let store = try SQLiteRunStore(path: limited.appendingPathComponent("store.sqlite").path)
        let stored = try #require(try await store.run(id: reached.runID))
        #expect(stored.state == .interrupted)
        #expect(stored.failure?.contains("spend ceiling reached") == true)

        // A caller's gate overrides the policy's ceiling: the same run finishes, no call paid twice.
        let raised = SpendGate()
        raised.configure(SpendCeilingSetting(ceiling: try #require(SpendCeiling(parsing: "100000calls")), window: "24h", windowSeconds: 86400), now: Date())
        let finished = try await Self.improveSentiment(limited, model: model, gate: raised)
        #expect(finished.runID == reached.runID)
        #expect(finished.winnerID == reference.winnerID)
        #expect(finished.verdict == reference.verdict)
        #expect(model.callCount == referenceModel.callCount, "\(model.callCount) calls in all vs \(referenceModel.callCount) uninterrupted")
        #expect(raised.paidCalls == model.callCount - paidUnderCeiling)
    }

    @Test func evaluateIsARunThatASecondCallReplaysForFree() async throws {
        let directory = try Self.sentiment()
        let bundle = try ProfileBundle.load(directory: directory)
        let model = Self.model(bundle)
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let session = EvalSession(bundle: bundle, split: .holdout)
        let first = try await evaluate(session, store: store, models: ModelAccess { _ in model })
        let paid = model.callCount
        #expect(paid == session.items.count)
        let second = try await evaluate(session, store: store, models: ModelAccess { _ in model })
        #expect(model.callCount == paid, "the second eval replays every answer")
        #expect(second.runID == first.runID)
        #expect(second.report.overall?.value == first.report.overall?.value)
        let markdown = try #require(second.markdown)
        #expect(FileManager.default.fileExists(atPath: markdown.path))
        #expect(try await store.run(id: try #require(first.runID))?.state == .completed)
    }

    @Test func evaluateRefusesAForbiddenRoleBeforeAnyCall() async throws {
        let directory = try Self.sentiment()
        var bundle = try ProfileBundle.load(directory: directory)
        bundle.policy.allowedModels = AllowedModels(["nobody/*"])
        let model = Self.model(bundle)
        await #expect(throws: ModelError.self) {
            _ = try await evaluate(EvalSession(bundle: bundle), store: nil, models: ModelAccess { _ in model })
        }
        #expect(model.callCount == 0)
    }
}
