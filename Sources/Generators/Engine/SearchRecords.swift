import ImproveCore

/// Engine options beyond the policy's ``SearchSettings``.
public struct SearchOptions: Sendable, Codable, Equatable {
    /// How search items are divided into feedback and validation pools.
    public var split: SplitMode
    /// Skip reflection when the parent already scores 1.0 on every minibatch item (GEPA's
    /// "perfect minibatch" shortcut); the iteration counts as a failed proposal.
    public var skipPerfectMinibatch: Bool
    /// A hard cap on iterations, on top of the budget (nil: none).
    public var maxIterations: Int?

    public init(split: SplitMode = .disjoint(valFraction: 0.5), skipPerfectMinibatch: Bool = true, maxIterations: Int? = nil) {
        self.split = split
        self.skipPerfectMinibatch = skipPerfectMinibatch
        self.maxIterations = maxIterations
    }
}

/// The state of the engine's random streams at the start of an iteration. Each phase has
/// its own stream, so extra draws by one generator never shift parent or batch choices.
public struct RandomStates: Sendable, Codable, Equatable {
    public var selection: UInt64
    public var minibatch: UInt64
    public var generator: UInt64
}

/// The audit line of one proposal: who proposed what, from which parent, what it cost and
/// why it was kept or dropped.
public struct ProposalRecord: Sendable, Codable, Equatable {
    public var iteration: Int
    public var parent: String
    /// The generator that proposed it (the composite's child, when mixed); empty when none did.
    public var generator: String
    /// The component the engine asked for this iteration.
    public var component: String
    /// The components that actually differ from the parent.
    public var changedComponents: [String]
    public var rationale: String
    /// Id of the proposed candidate (nil when nothing was proposed).
    public var child: String?
    /// The child's declared parents; acceptance compares against each of them that is in
    /// the pool (two for a merge), or against ``parent`` when none is.
    public var childParents: [String]
    public var minibatch: [String]
    public var parentScores: [Double]
    public var childScores: [Double]
    public var accepted: Bool
    public var reason: String
    /// Scored pairs this proposal paid for (parent minibatch, child minibatch, validation).
    public var metricCalls: Int
    /// Tokens and cost of the generator's model calls.
    public var reflectionUsage: Usage
    /// Tokens and cost of the rollouts this proposal paid for.
    public var evaluationUsage: Usage
    /// Random states at the start of the iteration, for exact replay and audit.
    public var random: RandomStates
}

/// Why the search stopped.
public enum StopReason: Sendable, Codable, Equatable {
    /// The next evaluation needed `needed` metric calls and only `left` remained (or a
    /// token/cost limit was reached, then `left` is the metric calls left, possibly nil).
    case budget(needed: Int, left: Int?)
    case consecutiveFailures(Int)
    case generatorsExhausted(reason: String)
    /// ``SearchOptions/maxIterations`` was reached.
    case maxIterations(Int)
    /// Strategy evolution ran every generation it was asked for.
    case generationsCompleted(Int)
}

extension StopReason: CustomStringConvertible {
    /// A sentence for people: the CLI summary, the report and the audit record show this.
    public var description: String {
        switch self {
        case .budget(let needed, let left?):
            return "budget: the next evaluation needed \(needed) metric calls, \(left) were left"
        case .budget(let needed, nil):
            return "budget: a token or cost limit was reached before an evaluation of \(needed) metric calls"
        case .consecutiveFailures(let count):
            return "\(count) proposals in a row failed"
        case .generatorsExhausted(let reason):
            return "the generators had nothing more to propose: \(reason)"
        case .maxIterations(let count):
            return "the iteration limit of \(count) was reached"
        case .generationsCompleted(let count):
            return "all \(count) generations were run"
        }
    }
}

/// Something the caller may want to persist or show while the search runs.
public enum SearchEvent: Sendable {
    case baseline(ScoredCandidate)
    case proposal(ProposalRecord, accepted: ScoredCandidate?)
    case stopped(StopReason, spend: Spend)
}

/// A light progress note for a UI, sent after the baseline and after every proposal.
public struct SearchProgress: Sendable, Equatable {
    public var iteration: Int
    public var poolSize: Int
    public var bestValidationMean: Double
    public var spend: Spend
}

/// Everything the search produced.
public struct SearchResult: Sendable {
    /// Every candidate scored on the validation pool (the seed first).
    public var pool: [ScoredCandidate]
    /// The pool ranked best first: validation mean, then fewer characters, then id.
    public var ranking: [ScoredCandidate]
    public var proposals: [ProposalRecord]
    public var spend: Spend
    public var stop: StopReason
    public var split: SearchSplit

    /// The best candidate (the seed when nothing beat it).
    public var best: ScoredCandidate? { ranking.first }
}

extension Array where Element == ScoredCandidate {
    /// Best first: higher validation mean, then the higher `tieBreak` (the engine passes
    /// each candidate's mean over every pair it scored, minibatches included, so a tie at
    /// a validation mean of 0 goes to the candidate that won pairs elsewhere rather than
    /// to the shortest text), then shorter total text, then id.
    func rankedByValidation(tieBreak: [String: Double] = [:]) -> [ScoredCandidate] {
        sorted { a, b in
            if a.meanScore != b.meanScore { return a.meanScore > b.meanScore }
            let ta = tieBreak[a.id] ?? 0, tb = tieBreak[b.id] ?? 0
            if ta != tb { return ta > tb }
            let la = a.candidate.components.values.reduce(0) { $0 + $1.count }
            let lb = b.candidate.components.values.reduce(0) { $0 + $1.count }
            if la != lb { return la < lb }
            return a.id < b.id
        }
    }
}
