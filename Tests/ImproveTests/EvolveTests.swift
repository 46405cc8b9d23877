import Evals
import Foundation
import Generators
import Improve
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// `evolve()` end to end, offline: the real travel-destination profile, suite, splits, SQLite
/// store, gate, audit and write-back, with one scripted model (``StrategyLadder``) playing both
/// the task (it follows the strategy, like a small model) and the author.
@Suite struct EvolveTests {
    static let authorMark = StrategyLadder.authorMark

    static func setUp() throws -> (directory: URL, bundle: ProfileBundle, model: ScriptedModelClient) {
        let directory = try Fixtures.copyOfProfile("travel-destination")
        let bundle = try ProfileBundle.load(directory: directory)
        let destinations = Dictionary(bundle.suite.items.map { ($0.input, $0.expected ?? "") }, uniquingKeysWith: { first, _ in first })
        return (directory, bundle, StrategyLadder.client(destinations: destinations))
    }

    static func options(seed: UInt64 = 1, generations: Int = 2, out: URL? = nil) -> EvolveOptions {
        EvolveOptions(run: ImproveOptions(surface: .strategy, seed: seed, outputDirectory: out, auditKey: Data("k".utf8)), population: 3, generations: generations)
    }

    @Test func evolvesGatesAndWritesLineageAndTables() async throws {
        let (directory, bundle, model) = try Self.setUp()
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let outcome = try await evolve(ImproveInputs(bundle: bundle), options: Self.options(), store: store, models: ModelAccess(isStubOrReplay: true) { _ in model })

        #expect(outcome.verdict == .ship, "\(outcome.reasons)")
        let evolution = try #require(outcome.evolution)
        #expect(evolution.generations.map(\.generation) == [0, 1, 2])
        #expect(evolution.championSearchScore > 0.85)
        let written = try ProfileLoader.load(contentsOf: URL(fileURLWithPath: try #require(outcome.writtenProfile)))
        #expect(written.strategy?.contains("only the city") == true)
        #expect(written.systemPrompt == bundle.profile.systemPrompt)

        // The audit verifies and carries the whole lineage; the tables sit beside the report.
        let audit = URL(fileURLWithPath: outcome.auditRecord)
        #expect(AuditVerifier.verify(fileURL: audit, key: Data("k".utf8)).outcome == .valid)
        let record = try JSONDecoder().decode(AuditRecord.self, from: Data(contentsOf: audit))
        let lineage = try #require(record.lineage)
        #expect(lineage.count == evolution.attempts)
        for entry in lineage where entry.status != .seed {
            #expect(!entry.parents.isEmpty && !entry.rationale.isEmpty && !entry.text.isEmpty, "\(entry)")
        }
        let csv = try String(contentsOfFile: try #require(evolution.tables["generationsCSV"]), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 3)
        #expect(csv.hasPrefix(GenerationStats.csvHeader))
        let onDisk = try JSONDecoder().decode([LineageEntry].self, from: Data(contentsOf: URL(fileURLWithPath: try #require(evolution.tables["lineageJSON"]))))
        #expect(onDisk == lineage)
        #expect(try String(contentsOfFile: outcome.report, encoding: .utf8).contains("## Evolution"))

        // The store holds the lineage too: one event per attempt, one per generation.
        let summary = try await store.summary(runID: outcome.runID, lastEvents: 500)
        #expect(summary.lastEvents.filter { $0.kind == .lineage }.count == lineage.count)
        #expect(summary.lastEvents.filter { $0.kind == .generation }.count == 3)
        #expect(summary.candidates >= evolution.scored)
    }

    @Test func theHoldoutSliceIsDrawnAfterAuthoringAndNeverReachesTheAuthor() async throws {
        let (directory, bundle, model) = try Self.setUp()
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        var options = Self.options()
        options.holdoutSize = 15
        let outcome = try await evolve(ImproveInputs(bundle: bundle), options: options, store: store, models: ModelAccess(isStubOrReplay: true) { _ in model })

        let holdoutInputs = bundle.suite.splitItems().holdout.map(\.input)
        let calls = model.calls
        let authorCalls = calls.indices.filter { calls[$0].messages.last?.content.hasPrefix(Self.authorMark) == true }
        #expect(authorCalls.count == outcome.evolution?.authorCalls)
        #expect(authorCalls.count >= 4)
        for index in authorCalls {
            let prompt = calls[index].messages.map(\.content).joined(separator: "\n")
            #expect(!holdoutInputs.contains { prompt.contains($0) }, "an author prompt holds a holdout item")
        }
        // Every rollout on a holdout item comes after the last author call...
        let lastAuthorCall = try #require(authorCalls.last)
        let firstHoldoutRollout = try #require(calls.firstIndex { call in holdoutInputs.contains { call.messages.last?.content == $0 } })
        #expect(firstHoldoutRollout > lastAuthorCall)
        // ...and the store saw the slice drawn after authoring finished, 15 of the split's items.
        let events = try await store.summary(runID: outcome.runID, lastEvents: 500).lastEvents.sorted { $0.sequence < $1.sequence }
        let finished = try #require(events.firstIndex { $0.kind == .authoringFinished })
        let drawn = try #require(events.firstIndex { $0.kind == .holdoutDrawn })
        #expect(finished < drawn)
        #expect(events[..<finished].contains { $0.kind == .lineage } && !events[drawn...].contains { $0.kind == .lineage })
        #expect(outcome.evolution?.holdoutItems.count == 15)
        let drawnItems = Set(outcome.evolution?.holdoutItems ?? [])
        #expect(drawnItems.isSubset(of: Set(bundle.suite.splitItems().holdout.map(\.id))))
    }

    @Test func replicatesDifferOnlyBySeedAndTheSameSeedRepeatsTheLineage() async throws {
        let (directory, bundle, model) = try Self.setUp()
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let summaryDirectory = directory.appendingPathComponent("replicates")
        let summary = try await evolveReplicates(
            ImproveInputs(bundle: bundle), seeds: [1, 2], options: Self.options(generations: 1), store: store,
            models: ModelAccess(isStubOrReplay: true) { _ in model }, summaryDirectory: summaryDirectory)

        #expect(summary.rows.map(\.seed) == [1, 2])
        #expect(Set(summary.rows.map(\.runID)).count == 2)
        var records: [RunRecord] = []
        for row in summary.rows { records.append(try #require(try await store.run(id: row.runID))) }
        var specs = records.map(\.spec)
        #expect(specs[0].seed == 1 && specs[1].seed == 2)
        // Apart from the seed (and the run key derived from it) the two runs are the same.
        for index in specs.indices {
            specs[index].seed = 0
            specs[index].dedupeKey = ""
            specs[index].config = specs[index].config.removing("seed")
        }
        #expect(specs[0] == specs[1])
        #expect(summary.championSearch.n == 2 && summary.championSearch.lower != nil)
        #expect(FileManager.default.fileExists(atPath: summaryDirectory.appendingPathComponent("replicates.csv").path))
        #expect(FileManager.default.fileExists(atPath: summaryDirectory.appendingPathComponent("seed-2/generations.json").path))
        // Shipped replicates wrote their versions into their own directories, not beside the profile.
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("profile.v2.yaml").path))
        #expect(summary.rows.filter { $0.verdict == .ship }.allSatisfy { row in
            FileManager.default.fileExists(atPath: summaryDirectory.appendingPathComponent("seed-\(row.seed)/profile.v2.yaml").path)
        })

        // The same seed and inputs in a fresh store give the same lineage.
        let again = try await evolve(
            ImproveInputs(bundle: bundle), options: Self.options(seed: 1, generations: 1, out: directory.appendingPathComponent("again")),
            store: try SQLiteRunStore(path: directory.appendingPathComponent("again.sqlite").path), models: ModelAccess(isStubOrReplay: true) { _ in model })
        let first = try JSONDecoder().decode([LineageEntry].self, from: Data(contentsOf: summaryDirectory.appendingPathComponent("seed-1/lineage.json")))
        let second = try JSONDecoder().decode([LineageEntry].self, from: Data(contentsOf: URL(fileURLWithPath: try #require(again.evolution?.tables["lineageJSON"]))))
        #expect(first == second)
        #expect(first != (try JSONDecoder().decode([LineageEntry].self, from: Data(contentsOf: summaryDirectory.appendingPathComponent("seed-2/lineage.json")))))
    }

    @Test func aRunKilledMidGenerationResumesWithoutRepeatingACompletedCall() async throws {
        let (directory, bundle, reference) = try Self.setUp()
        let referenceOutcome = try await evolve(
            ImproveInputs(bundle: bundle), options: Self.options(out: directory.appendingPathComponent("reference")),
            store: try SQLiteRunStore(path: directory.appendingPathComponent("reference.sqlite").path), models: ModelAccess(isStubOrReplay: true) { _ in reference })
        let gen1 = try #require(referenceOutcome.evolution?.generations.first { $0.generation == 1 })
        // Die in the middle of generation 2: past generation 1's calls, well before the end.
        let cut = gen1.metricCalls + (referenceOutcome.evolution?.authorCalls ?? 0) / 2 + 12

        let (_, _, inner) = try Self.setUp()
        let failing = ScriptedModelClient { request in
            if inner.callCount >= cut { throw CancellationError() }
            return try inner.answer(request)
        }
        let storePath = directory.appendingPathComponent("store.sqlite").path
        await #expect(throws: StoreError.self) {
            try await evolve(ImproveInputs(bundle: bundle), options: Self.options(), store: try SQLiteRunStore(path: storePath), models: ModelAccess(isStubOrReplay: true) { _ in failing })
        }
        #expect(inner.callCount >= cut && inner.callCount < reference.callCount)
        let resumed = try await evolve(ImproveInputs(bundle: bundle), options: Self.options(), store: try SQLiteRunStore(path: storePath), models: ModelAccess(isStubOrReplay: true) { _ in inner })
        // Every call completed before the interruption replayed: the two lives together paid
        // exactly what one uninterrupted run pays, and reached the same lineage and verdict.
        #expect(inner.callCount == reference.callCount)
        #expect(resumed.verdict == referenceOutcome.verdict)
        #expect(resumed.winnerID == referenceOutcome.winnerID)
        #expect(resumed.evolution?.generations == referenceOutcome.evolution?.generations)
        // The store holds each attempt and generation once, although the resumed run replayed them.
        let events = try await SQLiteRunStore(path: storePath).summary(runID: resumed.runID, lastEvents: 1000).lastEvents
        #expect(events.filter { $0.kind == .lineage }.count == referenceOutcome.evolution?.attempts)
        #expect(events.filter { $0.kind == .generation }.count == referenceOutcome.evolution?.generations.count)
    }

    @Test func anAuthorOutsideThePolicyWritesNothingAndSendsNothing() async throws {
        let (directory, _, model) = try Self.setUp()
        try Fixtures.edit(
            directory.appendingPathComponent("policy.yaml"), replacing: "    provider: local\n    id: smollm2-135m-instruct\n    maxTokens: 120",
            with: "    provider: openai\n    id: gpt-4o\n    maxTokens: 120")
        let bundle = try ProfileBundle.load(directory: directory)
        let storeFile = directory.appendingPathComponent("store.sqlite")
        let store = try SQLiteRunStore(path: storeFile.path)
        let before = Fixtures.fileDigest(storeFile)
        await #expect(throws: PolicyViolation.self) {
            try await evolve(ImproveInputs(bundle: bundle), options: Self.options(), store: store, models: ModelAccess { _ in model })
        }
        #expect(model.callCount == 0)
        #expect(Fixtures.fileDigest(storeFile) == before)
        #expect(try await store.listRuns(limit: 5).isEmpty)
    }
}

private extension JSONValue {
    /// This object without `key`.
    func removing(_ key: String) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = nil
        return .object(members)
    }
}
