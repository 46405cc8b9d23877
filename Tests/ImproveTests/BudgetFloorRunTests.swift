import Evals
import Foundation
import Improve
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// The budget-floor warning of issue 10, seen from `improve()`: printed before the run and
/// carried in the outcome (what `--json` prints).
@Suite struct BudgetFloorRunTests {
    final class Warnings: @unchecked Sendable {
        private let lock = NSLock()
        private var texts: [String] = []
        func add(_ text: String) { lock.withLock { texts.append(text) } }
        var all: [String] { lock.withLock { texts } }
    }

    @Test func aBudgetTooSmallForThreeProposalsWarnsAndTheOutcomeCarriesTheFigures() async throws {
        let directory = try Fixtures.copyOfProfile("sentiment")
        let bundle = try ProfileBundle.load(directory: directory)
        let inputs = try ImproveInputs(bundle: bundle)
        // The profile's own budget (300) pays for several proposals: no floor.
        #expect(try ImprovePlan(inputs, options: ImproveOptions()).budgetFloor == nil)

        var options = ImproveOptions()
        options.budget = Budget(metricCalls: 100)
        let warnings = Warnings()
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let outcome = try await improve(
            inputs, surface: .prompt, options: options, store: store,
            models: ModelAccess(isStubOrReplay: true) { _ in ScriptedModelClient { _ in "I could not say." } },
            progress: { note in if case .warning(let text) = note { warnings.add(text) } })

        let floor = try #require(outcome.budgetFloor)
        #expect(floor.affordableProposals < 3)
        #expect(floor.neededForWanted > 100)
        #expect(warnings.all.contains { $0.contains("raise budget.metricCalls to at least \(floor.neededForWanted)") })
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        #expect(json.contains("\"budgetFloor\""))
    }
}
