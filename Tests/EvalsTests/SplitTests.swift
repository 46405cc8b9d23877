import Foundation
import ImproveCore
import Testing
@testable import Evals

@Suite struct SplitTests {
    let items = (0..<400).map { item("item-\($0)") }

    @Test func splitIsDeterministicDisjointAndCoversEveryItem() {
        let plan = SplitPlan(seed: 7, version: 1, holdoutFraction: 0.3)
        let first = plan.apply(to: items)
        let second = plan.apply(to: items.reversed())
        #expect(Set(first.search.map(\.id)) == Set(second.search.map(\.id)))
        #expect(Set(first.search.map(\.id)).isDisjoint(with: first.holdout.map(\.id)))
        #expect(first.search.count + first.holdout.count == items.count)
        // 400 draws at 0.3: the holdout count lies well inside 120 ± 4 standard deviations (~37).
        #expect((83...157).contains(first.holdout.count))
    }

    @Test func anItemNeverMovesWhenOthersAreAddedOrRemoved() {
        let plan = SplitPlan(seed: 3, version: 2, holdoutFraction: 0.5)
        let all = Set(plan.apply(to: items).holdout.map(\.id))
        let some = Set(plan.apply(to: Array(items.prefix(50))).holdout.map(\.id))
        #expect(some.isSubset(of: all))
    }

    @Test func seedAndVersionRedrawTheSplit() {
        let base = Set(SplitPlan(seed: 1, version: 1).apply(to: items).holdout.map(\.id))
        #expect(base != Set(SplitPlan(seed: 2, version: 1).apply(to: items).holdout.map(\.id)))
        #expect(base != Set(SplitPlan(seed: 1, version: 2).apply(to: items).holdout.map(\.id)))
    }

    @Test func explicitListsOverrideTheHash() {
        let hashed = SplitPlan(seed: 1).apply(to: items)
        let toSearch = hashed.holdout[0].id, toHoldout = hashed.search[0].id
        let plan = SplitPlan(seed: 1, explicitHoldout: [toHoldout], explicitSearch: [toSearch])
        #expect(plan.isHoldout(toHoldout))
        #expect(!plan.isHoldout(toSearch))
    }
}
