import ImproveCore
import Testing
@testable import Generators

@Suite("MergeGenerator")
struct MergeGeneratorTests {
    let seed = Fixtures.scored(["systemPrompt": "a", "userTemplate": "{{input}}"], scores: [0, 0])

    @Test("children that improved different components merge, each component from the side that changed it")
    func complementaryMerge() async throws {
        let left = Fixtures.scored(["systemPrompt": "b", "userTemplate": "{{input}}"], parents: [seed.id], scores: [1, 0])
        let right = Fixtures.scored(["systemPrompt": "a", "userTemplate": "Text: {{input}}"], parents: [seed.id], scores: [0, 1])
        var rng = SeededRandom(seed: 3)
        let proposal = try await MergeGenerator().propose(Fixtures.context(parent: left, pool: [seed, left, right]), model: Fixtures.exclaimingModel(), rng: &rng)
        guard case .candidates(let children) = proposal, let child = children.first else {
            Issue.record("expected a merge, got \(proposal)")
            return
        }
        #expect(child.components == ["systemPrompt": "b", "userTemplate": "Text: {{input}}"])
        #expect(Set(child.parents) == [left.id, right.id])
    }

    @Test("a candidate and its own descendant never merge")
    func lineageDoesNotMerge() async throws {
        let child = Fixtures.scored(["systemPrompt": "b", "userTemplate": "{{input}}"], parents: [seed.id], scores: [1, 0])
        let grandchild = Fixtures.scored(["systemPrompt": "b", "userTemplate": "Text: {{input}}"], parents: [child.id], scores: [0, 1])
        var rng = SeededRandom(seed: 3)
        let proposal = try await MergeGenerator().propose(Fixtures.context(parent: child, pool: [seed, child, grandchild]), model: Fixtures.exclaimingModel(), rng: &rng)
        guard case .nothing = proposal else {
            Issue.record("expected nothing, got \(proposal)")
            return
        }
    }

    @Test("rules: same component changed on both sides, or an ancestor better than a side, give no merge")
    func rules() {
        let i = Fixtures.scored(["systemPrompt": "b", "userTemplate": "{{input}}"], parents: [seed.id], scores: [1, 0])
        let j = Fixtures.scored(["systemPrompt": "c", "userTemplate": "{{input}}"], parents: [seed.id], scores: [0, 1])
        #expect(MergeGenerator.merge(i, j, ancestor: seed) == nil)
        let strongAncestor = Fixtures.scored(["systemPrompt": "a", "userTemplate": "{{input}}"], scores: [1, 1])
        let k = Fixtures.scored(["systemPrompt": "a", "userTemplate": "T: {{input}}"], parents: [strongAncestor.id], scores: [0, 1])
        #expect(MergeGenerator.merge(i, k, ancestor: strongAncestor) == nil)
        // Both sides changed one component and only one side changed the other: the shared
        // change goes to the better side.
        let x = Fixtures.scored(["systemPrompt": "x", "userTemplate": "X: {{input}}"], scores: [1, 1])
        let y = Fixtures.scored(["systemPrompt": "y", "userTemplate": "{{input}}"], scores: [1, 0])
        #expect(MergeGenerator.merge(x, y, ancestor: seed) == nil) // equals x
        let z = Fixtures.scored(["systemPrompt": "z", "userTemplate": "{{input}}"], scores: [1, 1])
        let w = Fixtures.scored(["systemPrompt": "a", "userTemplate": "W: {{input}}"], scores: [0, 1])
        #expect(MergeGenerator.merge(z, w, ancestor: seed) == ["systemPrompt": "z", "userTemplate": "W: {{input}}"])
    }

    @Test("ancestry follows parents transitively")
    func ancestry() {
        let a = Fixtures.scored(["systemPrompt": "1"], scores: [0])
        let b = Fixtures.scored(["systemPrompt": "2"], parents: [a.id], scores: [0])
        let c = Fixtures.scored(["systemPrompt": "3"], parents: [b.id], scores: [0])
        let d = Fixtures.scored(["systemPrompt": "4"], parents: [a.id], scores: [0])
        let tree = Ancestry([a, b, c, d])
        #expect(tree.ancestors(of: c.id) == [a.id, b.id])
        #expect(tree.commonAncestors(c.id, d.id) == [a.id])
        #expect(tree.ancestors(of: a.id).isEmpty)
    }
}
