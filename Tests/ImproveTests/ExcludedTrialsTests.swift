import Evals
import ImproveCore
import Testing
@testable import Improve

@Suite struct ExcludedTrialsTests {
    let persona = PersonaCard(id: "refund", description: "Lee", goal: "get a refund")

    @Test func failuresAreCountedByTheirKindNotByTheirText() {
        let holdout = PersonaUnit.items([persona], trials: 3) + [EvalItem(id: "plain", input: "hi")]
        let baseline = [
            // The kind decides, whatever the text says.
            ItemResult(itemID: "refund#0", score: 0, error: "the user model timed out", failure: .simulator),
            ItemResult(itemID: "refund#1", score: 1),
            ItemResult(itemID: "refund#2", score: 1),
            ItemResult(itemID: "plain", score: 0, error: "timeout"),
        ]
        let winner = [
            ItemResult(itemID: "refund#0", score: 1),
            ItemResult(itemID: "refund#1", score: 0, error: "simulator: quoted by the agent's provider", failure: .infrastructure),
            ItemResult(itemID: "refund#2", score: 0, error: "simulator: timed out", failure: .simulator),
            ItemResult(itemID: "plain", score: 1),
        ]
        let excluded = ExcludedTrials(holdout: holdout, arms: [baseline, winner])
        #expect(excluded.trials == 3)
        #expect(excluded.excluded == ["refund#0", "refund#1", "refund#2"])
        #expect(excluded.simulatorErrors == 2)
        #expect(excluded.infraErrors == 1)
    }
}
