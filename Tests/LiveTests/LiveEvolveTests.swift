import Evals
import Foundation
import Generators
import Improve
import ImproveCore
import ImproveHTTP
import ImproveSQLite
import ImproveTestSupport
import Testing

/// `evolve` on `Profiles/travel-destination` against the real local model (SmolLM2-135M via
/// llama.cpp), kept short: one generation of two children on 6 search items, gated on 6
/// holdout items (too few pairs to ship: the gate holds on minimum pairs). The model is shared and slow; the figures are printed for the closing note.
@Suite("Live evolve", .enabled(if: LiveModel.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"))
struct LiveEvolveTests {
    @Test("a one-generation evolve on Profiles/travel-destination ends with a gated verdict and its tables", .timeLimit(.minutes(10)))
    func shortEvolve() async throws {
        guard try await LiveModel.requireOrSkip() != nil else { return }
        let directory = try Fixtures.copyOfProfile("travel-destination")
        let bundle = try ProfileBundle.load(directory: directory)
        var inputs = try ImproveInputs(bundle: bundle)
        inputs.search = Array(inputs.search.sorted { $0.id < $1.id }.prefix(6))
        let registry = try ProviderRegistry.load(searching: [])
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try await evolve(
            inputs, options: EvolveOptions(run: ImproveOptions(surface: .strategy, seed: 1), population: 3, generations: 1, holdoutSize: 6),
            store: try SQLiteRunStore(path: directory.appendingPathComponent("live.sqlite").path),
            models: ModelAccess { spec in try registry.client(for: spec) })
        let elapsed = clock.now - start

        let evolution = try #require(outcome.evolution)
        #expect(evolution.generations.map(\.generation) == [0, 1])
        #expect(evolution.authorCalls == 2)
        #expect(evolution.holdoutItems.count == 6)
        #expect(outcome.metricCalls <= 6 * 3 + 6 * 2)
        for path in evolution.tables.values { #expect(FileManager.default.fileExists(atPath: path)) }
        #expect(AuditVerifier.verify(fileURL: URL(fileURLWithPath: outcome.auditRecord), key: nil).outcome == .valid)
        print("LIVE evolve: \(elapsed), verdict \(outcome.verdict.rawValue), search \(outcome.baselineSearchMean) -> champion \(evolution.championSearchScore), holdout \(outcome.baselineHoldoutMean ?? -1) -> \(outcome.winnerHoldoutMean ?? -1), \(outcome.usage.totalTokens) tokens")
        for row in evolution.generations { print("LIVE generation \(row.csvRow)") }
        let lineage = try JSONDecoder().decode([LineageEntry].self, from: Data(contentsOf: URL(fileURLWithPath: try #require(evolution.tables["lineageJSON"]))))
        for entry in lineage { print("LIVE lineage g\(entry.generation) \(entry.status.rawValue) \(entry.searchScore ?? -1): \(entry.text.debugDescription)") }
        print("LIVE reasons: \(outcome.reasons)")
    }
}
