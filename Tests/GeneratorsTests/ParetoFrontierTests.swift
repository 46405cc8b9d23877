import ImproveCore
import Testing
@testable import Generators

@Suite("ParetoFrontier")
struct ParetoFrontierTests {
    // Items v0..v2. A wins v0 alone; B wins v1 and v2; C ties B on v1 only (dominated by B);
    // D wins nothing.
    let table: [String: [String: Double]] = [
        "A": ["v0": 1, "v1": 0, "v2": 0],
        "B": ["v0": 0, "v1": 1, "v2": 1],
        "C": ["v0": 0, "v1": 1, "v2": 0],
        "D": ["v0": 0.5, "v1": 0, "v2": 0.5],
    ]

    @Test("candidates best on at least one item survive, dominated ones are removed")
    func survivors() {
        let frontier = ParetoFrontier(scores: table, items: ["v0", "v1", "v2"])
        #expect(frontier.ids == ["A", "B"])
        #expect(frontier.wins.map(\.items) == [1, 2])
    }

    @Test("two candidates tying everywhere do not eliminate each other")
    func ties() {
        let frontier = ParetoFrontier(scores: ["X": ["v0": 1], "Y": ["v0": 1]], items: ["v0"])
        #expect(frontier.ids.count == 1)
    }

    @Test("sampling is proportional to items won and fixed by the seed")
    func sampling() {
        let frontier = ParetoFrontier(scores: table, items: ["v0", "v1", "v2"])
        var rng = SeededRandom(seed: 42)
        var counts: [String: Int] = [:]
        for _ in 0..<3000 { counts[frontier.sample(using: &rng) ?? "", default: 0] += 1 }
        #expect(counts.keys.sorted() == ["A", "B"])
        #expect(abs((counts["A"] ?? 0) - 1000) < 120)
        #expect(abs((counts["B"] ?? 0) - 2000) < 120)
        var again = SeededRandom(seed: 42)
        var replay: [String: Int] = [:]
        for _ in 0..<3000 { replay[frontier.sample(using: &again) ?? "", default: 0] += 1 }
        #expect(replay == counts)
    }

    @Test("a lone seed is its own frontier even when it scores zero everywhere")
    func loneSeed() {
        let frontier = ParetoFrontier(scores: ["S": ["v0": 0, "v1": 0]], items: ["v0", "v1"])
        var rng = SeededRandom(seed: 1)
        #expect(frontier.sample(using: &rng) == "S")
    }
}
