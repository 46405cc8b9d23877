import Evals
import Foundation
import Improve
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// `improve()` end to end, offline: the real suite, splits, generators, SQLite store and
/// write-back, with a scripted model that behaves like a small prompt-sensitive classifier.
@Suite struct ImproveEndToEndTests {
    /// Answers with the right label only when the prompt states the answer format; otherwise
    /// rambles without naming a label (what SmolLM2 does with a plain prompt).
    static func formatSensitiveModel(labels: [String: String]) -> ScriptedModelClient {
        ScriptedModelClient { request in
            let system = request.messages.first { $0.role == .system }?.content ?? ""
            let user = request.messages.last { $0.role == .user }?.content ?? ""
            let constrained = system.contains("one word") || system.contains("only the label")
            guard constrained, let label = labels.first(where: { user.contains($0.key) })?.value else {
                return "This text expresses a feeling about a movie."
            }
            return label
        }
    }

    static func labels(of bundle: ProfileBundle) -> [String: String] {
        Dictionary(bundle.suite.items.map { ($0.input, $0.expected ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    @Test func shipsAProvenImprovementAndWritesTheNextVersion() async throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        let bundle = try ProfileBundle.load(directory: directory)
        let model = Self.formatSensitiveModel(labels: Self.labels(of: bundle))
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let key = Data("audit-key-for-tests".utf8)
        let outcome = try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(auditKey: key),
            store: store, models: ModelAccess(isStubOrReplay: true) { _ in model })

        #expect(outcome.verdict == .ship)
        let audit = URL(fileURLWithPath: outcome.auditRecord)
        #expect(AuditVerifier.verify(fileURL: audit, key: key).outcome == .valid)
        #expect(AuditVerifier.verify(fileURL: audit, key: Data("another-key".utf8)).outcome == .invalid)
        #expect(outcome.baselineSearchMean < 0.1)
        #expect(outcome.winnerSearchMean > 0.9)
        let written = try #require(outcome.writtenProfile)
        let next = try ProfileLoader.load(contentsOf: URL(fileURLWithPath: written))
        #expect(next.version == bundle.profile.version + 1)
        #expect(next.metadata["parentHash"] == .string(bundle.profile.contentHash))
        #expect(next.systemPrompt.contains("one word") || next.systemPrompt.contains("only the label"))
        // The original is untouched.
        #expect(try ProfileLoader.load(contentsOf: bundle.profileFile) == bundle.profile)
        #expect(FileManager.default.fileExists(atPath: outcome.auditRecord))
        #expect(FileManager.default.fileExists(atPath: outcome.report))
    }

    @Test func holdsWhenNothingHelps() async throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        let bundle = try ProfileBundle.load(directory: directory)
        let model = ScriptedModelClient { _ in "I could not say." }
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let outcome = try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(),
            store: store, models: ModelAccess(isStubOrReplay: true) { _ in model })

        #expect(outcome.verdict == .hold)
        #expect(outcome.writtenProfile == nil)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("profile.v2.yaml").path))
        #expect(FileManager.default.fileExists(atPath: outcome.auditRecord))
    }

    @Test func rejectsACandidateThatIsWorseOnHoldout() async throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        let bundle = try ProfileBundle.load(directory: directory)
        let labels = Self.labels(of: bundle)
        let holdoutInputs = Set(bundle.suite.splitItems().holdout.map(\.input))
        let flipped = ["positive": "negative", "negative": "positive"]
        // The plain prompt happens to answer holdout items right; the format constraint fixes the
        // search items but flips every holdout answer: an overfit the gate must refuse.
        let model = ScriptedModelClient { request in
            let system = request.messages.first { $0.role == .system }?.content ?? ""
            let user = request.messages.last { $0.role == .user }?.content ?? ""
            guard let item = labels.first(where: { user.contains($0.key) }) else { return "?" }
            let constrained = system.contains("one word") || system.contains("only the label")
            let onHoldout = holdoutInputs.contains(item.key)
            switch (constrained, onHoldout) {
            case (true, false): return item.value
            case (true, true): return flipped[item.value] ?? "?"
            case (false, true): return item.value
            case (false, false): return "It is about a film."
            }
        }
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let outcome = try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(),
            store: store, models: ModelAccess(isStubOrReplay: true) { _ in model })

        #expect(outcome.verdict == .reject)
        #expect(outcome.winnerSearchMean > outcome.baselineSearchMean)
        #expect(outcome.writtenProfile == nil)
        let verification = AuditVerifier.verify(fileURL: URL(fileURLWithPath: outcome.auditRecord), key: nil)
        #expect(verification.outcome == .valid, "\(verification.summary)")
    }

    @Test func policyBreachWritesNothingAndSendsNothing() async throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        try Fixtures.edit(directory.appendingPathComponent("policy.yaml"), replacing: "- local/smollm2-135m-instruct", with: "- openai/gpt-4o-mini")
        let bundle = try ProfileBundle.load(directory: directory)
        let storeFile = directory.appendingPathComponent("store.sqlite")
        let store = try SQLiteRunStore(path: storeFile.path)
        let before = try #require(Fixtures.fileDigest(storeFile))
        let model = ScriptedModelClient { _ in "positive" }

        await #expect(throws: PolicyViolation.self) {
            try await improve(
                try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(),
                store: store, models: ModelAccess { _ in model })
        }
        #expect(model.callCount == 0)
        #expect(Fixtures.fileDigest(storeFile) == before)
        #expect(try await store.listRuns(limit: 10).isEmpty)
    }

    @Test func aSecondRunWithTheSameInputsJoinsTheFirstAndPaysNothing() async throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        let bundle = try ProfileBundle.load(directory: directory)
        let model = Self.formatSensitiveModel(labels: Self.labels(of: bundle))
        let storePath = directory.appendingPathComponent("store.sqlite").path
        let first = try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(),
            store: try SQLiteRunStore(path: storePath), models: ModelAccess(isStubOrReplay: true) { _ in model })
        let callsAfterFirst = model.callCount

        let second = try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(),
            store: try SQLiteRunStore(path: storePath), models: ModelAccess(isStubOrReplay: true) { _ in model })
        #expect(second.runID == first.runID)
        #expect(second.joinedExistingRun)
        #expect(second.verdict == first.verdict)
        #expect(model.callCount == callsAfterFirst)
    }

    @Test func anInterruptedRunResumesByReplayingEveryCompletedCall() async throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        let bundle = try ProfileBundle.load(directory: directory)
        let labels = Self.labels(of: bundle)
        let storePath = directory.appendingPathComponent("store.sqlite").path
        let reference = Self.formatSensitiveModel(labels: labels)
        let referenceOutcome = try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(outputDirectory: directory.appendingPathComponent("reference")),
            store: try SQLiteRunStore(path: directory.appendingPathComponent("reference.sqlite").path),
            models: ModelAccess(isStubOrReplay: true) { _ in reference })

        // The first attempt dies after 40 paid calls, as a killed process would.
        let inner = Self.formatSensitiveModel(labels: labels)
        let failing = ScriptedModelClient { request in
            if inner.callCount >= 40 { throw CancellationError() }
            return try awaitless(inner, request)
        }
        await #expect(throws: StoreError.self) {
            try await improve(
                try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(),
                store: try SQLiteRunStore(path: storePath), models: ModelAccess(isStubOrReplay: true) { _ in failing })
        }
        let paidBefore = inner.callCount
        let resumed = try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, options: ImproveOptions(),
            store: try SQLiteRunStore(path: storePath), models: ModelAccess(isStubOrReplay: true) { _ in inner })
        #expect(resumed.verdict == referenceOutcome.verdict)
        #expect(resumed.winnerID == referenceOutcome.winnerID)
        // Only the calls the first attempt never completed were paid again.
        #expect(inner.callCount - paidBefore == reference.callCount - 40)
    }
}

/// Runs a scripted client's script synchronously (ScriptedModelClient's script is synchronous).
private func awaitless(_ client: ScriptedModelClient, _ request: ChatRequest) throws -> String {
    try client.answer(request)
}
