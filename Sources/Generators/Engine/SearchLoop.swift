import ImproveCore

/// The mutable state of one ``SearchEngine/run()``.
struct SearchLoop {
    let engine: SearchEngine
    let split: SearchSplit
    let screen: CandidateScreen
    let counter: UsageCountingModelClient
    let componentNames: [String]

    var cache = ScoreCache()
    var pool: [ScoredCandidate] = []
    var proposals: [ProposalRecord] = []
    var rejected: [RejectedEdit] = []
    var seen: Set<String> = []
    var spend = Spend()
    var proposalsFrom: [String: Int] = [:]

    var selectionRNG: SeededRandom
    var minibatchRNG: SeededRandom
    var generatorRNG: SeededRandom
    var epochOrder: [EvalItem] = []
    var epochPosition = 0

    init(engine: SearchEngine) {
        self.engine = engine
        let seed = engine.settings.seed
        split = SearchSplit(engine.search, mode: engine.options.split, seed: seed)
        screen = CandidateScreen(surface: engine.surface, base: engine.base, maxLength: engine.settings.maxComponentLength)
        counter = UsageCountingModelClient(engine.reflectionModel)
        componentNames = engine.seed.components.keys.sorted()
        selectionRNG = SeededRandom.derived(seed: seed, label: "parent-selection")
        minibatchRNG = SeededRandom.derived(seed: seed, label: "minibatch")
        generatorRNG = SeededRandom.derived(seed: seed, label: "generator")
    }

    mutating func run() async throws -> SearchResult {
        let stop = try await loop()
        try await engine.checkpoint?(.stopped(stop, spend: spend))
        return SearchResult(pool: pool, ranking: pool.rankedByValidation(tieBreak: searchMeans()), proposals: proposals, spend: spend, stop: stop, split: split)
    }

    private mutating func loop() async throws -> StopReason {
        let seed = engine.seed
        let baselineCost = cost(seed, on: split.validation)
        guard spend.allows(baselineCost, within: engine.budget) else { return budgetStop(needed: baselineCost) }
        let baseline = ScoredCandidate(candidate: seed, results: try await score(seed, on: split.validation).results.byID)
        pool.append(baseline)
        seen.insert(seed.id)
        try await engine.checkpoint?(.baseline(baseline))
        report(iteration: 0)

        var failures = 0
        var iteration = 0
        while true {
            if let cap = engine.options.maxIterations, iteration >= cap { return .maxIterations(cap) }
            if failures >= engine.settings.maxConsecutiveFailures { return .consecutiveFailures(failures) }
            guard spend.allows(0, within: engine.budget) else { return budgetStop(needed: 0) }
            iteration += 1
            let outcome = try await iterate(iteration)
            switch outcome {
            case .accepted: failures = 0
            case .failed(let count): failures += count
            case .stop(let reason): return reason
            }
            report(iteration: iteration)
        }
    }

    enum IterationOutcome {
        case accepted
        case failed(Int)
        case stop(StopReason)
    }

    /// One iteration: `parallelProposals` proposals drawn one after another (parent,
    /// minibatch and generator draws stay serial, so the random streams advance in the same
    /// order whatever happens later), their children evaluated concurrently, and the
    /// outcomes applied in draw order. Nothing a child's evaluation returns is used before
    /// every evaluation of its batch has finished, so completion order cannot change the
    /// result. With one proposal per iteration this is GEPA's loop unchanged.
    private mutating func iterate(_ iteration: Int) async throws -> IterationOutcome {
        let width = max(1, engine.settings.parallelProposals)
        var pending: [PendingChild] = []
        var failed = 0
        var stop: StopReason?
        for _ in 0..<width {
            switch try await draft(iteration) {
            case .children(let children): pending += children
            case .failed(let count): failed += count
            case .stop(let reason): stop = reason
            }
            if stop != nil { break }
        }
        // Serially, each child is screened after the previous one was judged (so it sees
        // that rejection); in parallel a batch is screened together.
        let batches = width == 1 ? pending.map { [$0] } : (pending.isEmpty ? [] : [pending])
        var anyAccepted = false
        for batch in batches {
            let outcome = try await evaluate(batch)
            anyAccepted = anyAccepted || outcome.accepted
            failed += outcome.failed
            if let reason = outcome.stop {
                return .stop(reason)
            }
        }
        if let stop { return .stop(stop) }
        return anyAccepted ? .accepted : .failed(failed)
    }

    /// A child waiting to be screened and evaluated, with the proposal it came from.
    struct PendingChild {
        var record: ProposalRecord
        let child: Candidate
        let parent: ScoredCandidate
        let minibatch: [EvalItem]
    }

    private enum DraftOutcome {
        case children([PendingChild])
        case failed(Int)
        case stop(StopReason)
    }

    /// Picks a parent and a minibatch, scores the parent on it and asks the generator.
    private mutating func draft(_ iteration: Int) async throws -> DraftOutcome {
        let random = RandomStates(selection: selectionRNG.state, minibatch: minibatchRNG.state, generator: generatorRNG.state)
        let frontier = ParetoFrontier(
            scores: pool.reduce(into: [:]) { $0[$1.id] = $1.results.mapValues(\.score) }, items: split.validation.map(\.id),
            tieBreak: searchMeans())
        let parentID = frontier.sample(using: &selectionRNG) ?? pool[0].id
        let parent = pool.first { $0.id == parentID } ?? pool[0]
        let minibatch = nextMinibatch()
        let turn = proposalsFrom[parent.id, default: 0]
        proposalsFrom[parent.id] = turn + 1
        let component = componentNames[turn % componentNames.count]

        var record = ProposalRecord(
            iteration: iteration, parent: parent.id, generator: "", component: component, changedComponents: [],
            rationale: "", child: nil, childParents: [], minibatch: minibatch.map(\.id), parentScores: [], childScores: [], accepted: false,
            reason: "", metricCalls: 0, reflectionUsage: .zero, evaluationUsage: .zero, random: random)

        let parentCost = cost(parent.candidate, on: minibatch)
        guard spend.allows(parentCost, within: engine.budget) else { return .stop(budgetStop(needed: parentCost)) }
        let parentRun = try await score(parent.candidate, on: minibatch)
        record.metricCalls += parentRun.paid
        record.evaluationUsage = record.evaluationUsage + parentRun.usage
        record.parentScores = parentRun.results.map(\.score)

        if engine.options.skipPerfectMinibatch, parentRun.results.allSatisfy({ $0.score >= 1 }) {
            record.reason = "parent already perfect on this minibatch; nothing to learn from"
            try await log(record, accepted: nil)
            return .failed(1)
        }

        let context = ProposalContext(
            pool: pool, parent: parent, minibatch: parentRun.results, component: component, search: SearchSet(items: split.feedback),
            rejected: rejected, metricCallsLeft: spend.metricCallsLeft(in: engine.budget), iteration: iteration,
            settings: engine.settings, seenCandidateIDs: seen)
        let usageBefore = counter.usage
        let proposal = try await engine.generator.propose(context, model: counter, rng: &generatorRNG)
        let reflection = counter.usage.minus(usageBefore)
        spend.usage = spend.usage + reflection
        record.reflectionUsage = reflection

        switch proposal {
        case .exhausted(let reason):
            record.reason = "generators exhausted: \(reason)"
            try await log(record, accepted: nil)
            return .stop(.generatorsExhausted(reason: reason))
        case .nothing(let reason):
            record.reason = "no proposal: \(reason)"
            try await log(record, accepted: nil)
            return .failed(1)
        case .candidates(let children):
            guard !children.isEmpty else {
                record.reason = "no proposal: the generator returned no candidates"
                try await log(record, accepted: nil)
                return .failed(1)
            }
            return .children(children.enumerated().map { index, child in
                var childRecord = record
                if index > 0 {
                    // Shared costs were charged to the first child's line.
                    childRecord.metricCalls = 0
                    childRecord.reflectionUsage = .zero
                    childRecord.evaluationUsage = .zero
                }
                return PendingChild(record: childRecord, child: child, parent: parent, minibatch: minibatch)
            })
        }
    }

    // MARK: - Scoring and budget

    /// Metric calls scoring `candidate` on `items` could cost now, at most (cached pairs are
    /// free; a multi-turn unit reserves its longest possible dialogue; every rollout of a
    /// pair pays again).
    func cost(_ candidate: Candidate, on items: [EvalItem]) -> Int {
        cache.missing(candidate: candidate.id, in: items).reduce(0) { $0 + engine.evaluator.metricCost(of: $1) } * rolloutEvaluator.rollouts
    }

    var rolloutEvaluator: RolloutMean {
        RolloutMean(evaluator: engine.evaluator, rollouts: max(1, engine.settings.rollouts))
    }

    mutating func score(_ candidate: Candidate, on items: [EvalItem]) async throws -> (results: [ItemResult], paid: Int, usage: Usage) {
        let missing = cache.missing(candidate: candidate.id, in: items)
        var paid: (paid: Int, usage: Usage) = (0, .zero)
        if !missing.isEmpty {
            let profile = try engine.surface.apply(candidate.components, to: engine.base)
            paid = charge(candidate, try await rolloutEvaluator.evaluate(profile, on: missing))
        }
        return (cache.results(candidate: candidate.id, on: items), paid.paid, paid.usage)
    }

    /// Stores fresh results of `candidate` and charges them to the run.
    mutating func charge(_ candidate: Candidate, _ scored: RolloutMean.Scored) -> (paid: Int, usage: Usage) {
        cache.store(candidate: candidate.id, scored.results)
        let usage = scored.results.reduce(Usage.zero) { $0 + ($1.trace?.usage ?? .zero) }
        let paid = scored.metricCalls
        spend.metricCalls += paid
        spend.usage = spend.usage + usage
        return (paid, usage)
    }

    /// Each pool member's mean over every pair it has scored (the tie-break of ranking and
    /// of the frontier when validation means are equal).
    private func searchMeans() -> [String: Double] {
        pool.reduce(into: [:]) { means, member in
            means[member.id] = cache.meanOverScoredPairs(candidate: member.id)
        }
    }

    func budgetStop(needed: Int) -> StopReason {
        .budget(needed: needed, left: spend.metricCallsLeft(in: engine.budget))
    }

    /// The next minibatch: consecutive slices of a seeded shuffle of the feedback pool, a
    /// new shuffle each epoch, so every feedback item is seen before any repeats.
    private mutating func nextMinibatch() -> [EvalItem] {
        let size = max(1, min(engine.settings.minibatchSize, split.feedback.count))
        if epochOrder.isEmpty || epochPosition + size > epochOrder.count {
            epochOrder = minibatchRNG.shuffled(split.feedback)
            epochPosition = 0
        }
        defer { epochPosition += size }
        return Array(epochOrder[epochPosition..<(epochPosition + size)])
    }

    mutating func remember(_ child: Candidate, parent: Candidate, reason: String) {
        seen.insert(child.id)
        for name in changedComponents(child, from: parent) {
            let edit = RejectedEdit(component: name, text: child.components[name] ?? "", generator: child.generator, reason: reason)
            if !rejected.contains(edit) { rejected.append(edit) }
        }
    }

    mutating func log(_ record: ProposalRecord, accepted: ScoredCandidate?) async throws {
        proposals.append(record)
        try await engine.checkpoint?(.proposal(record, accepted: accepted))
    }

    private func report(iteration: Int) {
        let best = pool.map(\.meanScore).max() ?? 0
        engine.progress?(SearchProgress(iteration: iteration, poolSize: pool.count, bestValidationMean: best, spend: spend))
    }

    func unique(_ items: [EvalItem]) -> [EvalItem] {
        var ids = Set<String>()
        return items.filter { ids.insert($0.id).inserted }
    }

    func format(_ value: Double) -> String {
        String(Double((value * 1000).rounded()) / 1000)
    }
}

extension Array where Element == ItemResult {
    var byID: [String: ItemResult] {
        Dictionary(map { ($0.itemID, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension Usage {
    func minus(_ other: Usage) -> Usage {
        Usage(inputTokens: inputTokens - other.inputTokens, outputTokens: outputTokens - other.outputTokens, cost: cost - other.cost)
    }
}
