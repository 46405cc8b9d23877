import Foundation
import ImproveCore

/// The mutable state of one ``EvolutionEngine/run()``.
struct EvolutionLoop {
    let engine: EvolutionEngine
    let screen: CandidateScreen
    let counter: UsageCountingModelClient
    let componentNames: [String]
    let ranking: CostAwareRanking
    let itemIDs: [String]

    var scored: [ScoredCandidate] = []
    var lineage: [LineageEntry] = []
    var generations: [GenerationStats] = []
    var rejected: [RejectedEdit] = []
    var seen: Set<String> = []
    var spend = Spend()
    var childrenOf: [String: Int] = [:]
    var parentRNG: SeededRandom
    var authorRNG: SeededRandom

    init(engine: EvolutionEngine) {
        self.engine = engine
        screen = CandidateScreen(surface: engine.surface, base: engine.base, maxLength: engine.maxComponentLength)
        counter = UsageCountingModelClient(engine.authorClient)
        componentNames = engine.surface.components(of: engine.base).keys.sorted()
        ranking = CostAwareRanking(tolerance: engine.settings.tieTolerance)
        itemIDs = engine.search.items.map(\.id)
        parentRNG = SeededRandom.derived(seed: engine.seed, label: "evolve-parents")
        authorRNG = SeededRandom.derived(seed: engine.seed, label: "evolve-author")
    }

    mutating func run() async throws -> EvolutionResult {
        let stop = try await generationsLoop()
        return EvolutionResult(
            scored: scored, lineage: lineage, generations: generations, ranking: ranking.ranked(scored), spend: spend, stop: stop,
            authorCalls: counter.callCount)
    }

    private mutating func generationsLoop() async throws -> StopReason {
        let seedCandidate = Candidate(components: engine.surface.components(of: engine.base), generator: "seed", rationale: "the profile as given")
        guard spend.allows(itemIDs.count, within: engine.budget) else { return budgetStop() }
        let seed = try await evaluate(seedCandidate)
        seen.insert(seed.id)
        try await settle(
            LineageEntry(
                candidateID: seed.id, parents: [], generation: 0, slot: 0, component: componentNames.joined(separator: ","),
                text: componentNames.map { seedCandidate.components[$0] ?? "" }.joined(separator: "\n"), status: .seed,
                searchScore: seed.meanScore, cost: cost(seed), authorUsage: .zero, rationale: seedCandidate.rationale, note: "generation 0"),
            scored: seed)
        var population = [seed]
        try await close(generation: 0, population: population, elites: [], spentBefore: Spend())

        let settings = engine.settings
        for generation in 1...max(1, settings.generations) {
            let spentBefore = spend
            let elites = Array(ranking.ranked(population).prefix(settings.elites))
            var children: [ScoredCandidate] = []
            var stopped: StopReason?
            for slot in 0..<max(0, settings.population - elites.count) {
                switch try await attempt(generation: generation, slot: slot) {
                case .child(let child): children.append(child)
                case .nothing: break
                case .stop(let reason): stopped = reason
                }
                if stopped != nil { break }
            }
            population = elites + children
            try await close(generation: generation, population: population, elites: elites.map(\.id), spentBefore: spentBefore)
            if let stopped { return stopped }
        }
        return .generationsCompleted(settings.generations)
    }

    private enum AttemptOutcome {
        case child(ScoredCandidate)
        case nothing
        case stop(StopReason)
    }

    /// One child: parent, brief, author, screen, score.
    private mutating func attempt(generation: Int, slot: Int) async throws -> AttemptOutcome {
        guard spend.allows(0, within: engine.budget) else { return .stop(budgetStop()) }
        let parent = engine.selection.parent(from: scored, items: itemIDs, rng: &parentRNG)
        let turn = childrenOf[parent.id, default: 0]
        childrenOf[parent.id] = turn + 1
        let component = componentNames[turn % componentNames.count]
        let brief = AuthorBrief(
            component: component, current: parent.candidate.components[component] ?? "", parentID: parent.id, parentScore: parent.meanScore,
            losses: losses(of: parent), rejected: rejected.filter { $0.component == component }, generation: generation, slot: slot,
            seed: authorRNG.next())
        let before = counter.usage
        let authored = try await engine.author.write(brief, model: counter)
        let authorUsage = counter.usage.minus(before)
        spend.usage = spend.usage + authorUsage
        var entry = LineageEntry(
            candidateID: "", parents: [parent.id], generation: generation, slot: slot, component: component, text: authored?.text ?? "", status: .rejected,
            searchScore: nil, cost: nil, authorUsage: authorUsage, rationale: authored?.rationale ?? "", note: "")
        guard let authored else {
            entry.note = "the author's reply held no usable text"
            try await settle(entry, scored: nil)
            return .nothing
        }
        var components = parent.candidate.components
        components[component] = authored.text
        let child = Candidate(components: components, parents: [parent.id], generator: engine.author.name, rationale: authored.rationale)
        entry.candidateID = child.id
        if let problem = screen.problem(with: child, parent: parent.candidate, seen: seen, rejected: rejected) {
            entry.note = "rejected before scoring: \(problem)"
            remember(child, component: component, reason: problem)
            try await settle(entry, scored: nil)
            return .nothing
        }
        guard spend.allows(itemIDs.count, within: engine.budget) else {
            entry.note = "not scored: the budget cannot pay for \(itemIDs.count) metric calls"
            try await settle(entry, scored: nil)
            return .stop(budgetStop())
        }
        seen.insert(child.id)
        let scoredChild = try await evaluate(child)
        entry.searchScore = scoredChild.meanScore
        entry.cost = cost(scoredChild)
        if scoredChild.meanScore > parent.meanScore {
            entry.status = .improved
            entry.note = "search mean \(format(scoredChild.meanScore)) beat its parent's \(format(parent.meanScore))"
        } else {
            entry.status = .notBetter
            entry.note = "search mean \(format(scoredChild.meanScore)) did not beat its parent's \(format(parent.meanScore))"
            remember(child, component: component, reason: entry.note)
        }
        try await settle(entry, scored: scoredChild)
        return .child(scoredChild)
    }

    /// Search items the parent did not get fully right, a seeded sample of at most `lossesShown`.
    private mutating func losses(of parent: ScoredCandidate) -> [LostItem] {
        let lost = engine.search.items.filter { (parent.results[$0.id]?.score ?? 0) < 1 }
        let chosen = authorRNG.shuffled(lost).prefix(engine.settings.lossesShown)
        return chosen.map { item in
            let result = parent.results[item.id]
            return LostItem(
                itemID: item.id, fields: item.fields, expected: item.expected, output: result?.trace?.output ?? "(no output recorded)",
                score: result?.score ?? 0, feedback: result?.feedback ?? "")
        }
    }

    private mutating func evaluate(_ candidate: Candidate) async throws -> ScoredCandidate {
        let profile = try engine.surface.apply(candidate.components, to: engine.base)
        let results = try await engine.evaluator.evaluate(profile, on: engine.search.items)
        guard results.map(\.itemID) == itemIDs else { throw SearchError.evaluatorMismatch(expected: itemIDs, got: results.map(\.itemID)) }
        spend.metricCalls += results.count
        spend.usage = spend.usage + CandidateCost.usage(results)
        let scoredCandidate = ScoredCandidate(candidate: candidate, results: Dictionary(results.map { ($0.itemID, $0) }, uniquingKeysWith: { first, _ in first }))
        scored.append(scoredCandidate)
        return scoredCandidate
    }

    private mutating func remember(_ child: Candidate, component: String, reason: String) {
        rejected.append(RejectedEdit(component: component, text: child.components[component] ?? "", generator: child.generator, reason: reason))
    }

    private mutating func settle(_ entry: LineageEntry, scored: ScoredCandidate?) async throws {
        lineage.append(entry)
        try await engine.checkpoint?(.attempt(entry, scored: scored))
    }

    private mutating func close(generation: Int, population: [ScoredCandidate], elites: [String], spentBefore: Spend) async throws {
        guard let champion = ranking.ranked(scored).first else { return }
        let authorUsage = lineage.filter { $0.generation == generation }.reduce(Usage.zero) { $0 + $1.authorUsage }
        let evaluationUsage = (spend.usage.minus(spentBefore.usage)).minus(authorUsage)
        let stats = GenerationStats(
            generation: generation, population: population, elites: elites, author: authorUsage, evaluation: evaluationUsage,
            metricCalls: spend.metricCalls, champion: champion)
        generations.append(stats)
        try await engine.checkpoint?(.generation(stats))
    }

    private func cost(_ candidate: ScoredCandidate) -> CandidateCost {
        CandidateCost(results: Array(candidate.results.values))
    }

    private func budgetStop() -> StopReason {
        .budget(needed: itemIDs.count, left: spend.metricCallsLeft(in: engine.budget))
    }

    private func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
