import Generators
import ImproveCore

/// The audit record of one run (DESIGN §6): everything needed to see what was promoted, why,
/// at what cost, and to recompute the gate's lift from the stored holdout scores.
///
/// Every `Double` must be finite (canonical JSON refuses NaN and infinities).
public struct AuditRecord: Codable, Sendable, Equatable {
    /// Version of this record's layout.
    public static let currentFormat = 1

    public var format: Int
    public var runID: String
    public var toolVersion: String
    public var profileName: String
    /// Content hashes of the baseline and the winner (nil when no candidate reached the holdout).
    public var baselineHash: String
    public var winnerHash: String?
    /// `UnifiedDiff.make` of the baseline and winner profile texts ("" when equal or no winner).
    public var diff: String
    public var candidates: [AuditCandidate]
    public var proposals: ProposalSummary
    /// The gate verdict: checks, reasons, every finalist's statistics and the settings used.
    public var gate: GateVerdict
    /// Holdout scores of baseline and winner, in pairing order, so the lift can be recomputed.
    public var holdout: HoldoutScores
    /// Model ids the providers reported serving, sorted and unique.
    public var modelsServed: [String]
    public var usage: PhaseUsage
    /// Wall-clock seconds per phase (`baseline`, `search`, `holdout`, `reflection`, `total`, ...).
    /// Recorded for people; never read by control flow.
    public var timings: [String: Double]
    /// True when any response came from a stub or a replay cassette rather than a live model.
    public var usedStubOrReplay: Bool
    public var verdict: GateDecision
    /// pass^k per persona for baseline and winner (absent for a suite without personas).
    public var personas: [PersonaPassRates]?
    /// Holdout persona trials excluded from the pairs, and why (absent without holdout personas).
    public var excludedTrials: ExcludedTrials?
    /// Every attempt of an evolution run: parents, generation, search score, cost and the
    /// author's rationale (absent for `run`, so those records encode as before).
    public var lineage: [LineageEntry]?
    /// Digest and signature; nil until ``AuditSigner/seal(_:key:)`` fills it.
    public var integrity: AuditIntegrity?

    public init(runID: String, toolVersion: String, profileName: String, baselineHash: String, winnerHash: String?, diff: String, candidates: [AuditCandidate], proposals: ProposalSummary, gate: GateVerdict, holdout: HoldoutScores, modelsServed: [String], usage: PhaseUsage, timings: [String: Double], usedStubOrReplay: Bool, personas: [PersonaPassRates]? = nil, excludedTrials: ExcludedTrials? = nil) {
        self.format = Self.currentFormat
        self.runID = runID
        self.toolVersion = toolVersion
        self.profileName = profileName
        self.baselineHash = baselineHash
        self.winnerHash = winnerHash
        self.diff = diff
        self.candidates = candidates
        self.proposals = proposals
        self.gate = gate
        self.holdout = holdout
        self.modelsServed = Array(Set(modelsServed)).sorted()
        self.usage = usage
        self.timings = timings
        self.usedStubOrReplay = usedStubOrReplay
        self.verdict = gate.decision
        self.personas = personas
        self.excludedTrials = excludedTrials
        self.integrity = nil
    }
}

/// One candidate the search scored.
public struct AuditCandidate: Codable, Sendable, Equatable {
    public var id: String
    public var parents: [String]
    public var generator: String
    public var rationale: String
    /// Mean search-split score (nil when never scored on the full search split).
    public var searchMean: Double?
    /// Search items scored for this candidate, and the search split's size.
    public var scoredItems: Int
    public var searchItems: Int

    public init(id: String, parents: [String], generator: String, rationale: String, searchMean: Double?, scoredItems: Int, searchItems: Int) {
        self.id = id
        self.parents = parents
        self.generator = generator
        self.rationale = rationale
        self.searchMean = searchMean
        self.scoredItems = scoredItems
        self.searchItems = searchItems
    }

    public init(_ candidate: Candidate, searchMean: Double?, scoredItems: Int, searchItems: Int) {
        self.init(id: candidate.id, parents: candidate.parents, generator: candidate.generator, rationale: candidate.rationale, searchMean: searchMean, scoredItems: scoredItems, searchItems: searchItems)
    }
}

/// What the generators proposed and what became of it.
public struct ProposalSummary: Codable, Sendable, Equatable {
    public var proposed: Int
    public var accepted: Int
    public var rejected: Int
    /// Rejection reason to count (`duplicate`, `too long`, `not better on minibatch`, ...).
    public var rejectionReasons: [String: Int]

    public init(proposed: Int, accepted: Int, rejected: Int, rejectionReasons: [String: Int] = [:]) {
        self.proposed = proposed
        self.accepted = accepted
        self.rejected = rejected
        self.rejectionReasons = rejectionReasons
    }
}

/// One holdout score.
public struct ScoredItem: Codable, Sendable, Equatable {
    public var itemID: String
    public var score: Double

    public init(itemID: String, score: Double) {
        self.itemID = itemID
        self.score = score
    }
}

/// Holdout scores of both arms, each in the order the gate paired them.
public struct HoldoutScores: Codable, Sendable, Equatable {
    public var baseline: [ScoredItem]
    public var winner: [ScoredItem]

    public init(baseline: [ScoredItem], winner: [ScoredItem]) {
        self.baseline = baseline
        self.winner = winner
    }

    public init(baseline: [ItemResult], winner: [ItemResult]) {
        self.init(baseline: baseline.map { ScoredItem(itemID: $0.itemID, score: $0.score) }, winner: winner.map { ScoredItem(itemID: $0.itemID, score: $0.score) })
    }
}

/// Tokens and cost per phase of the run.
public struct PhaseUsage: Codable, Sendable, Equatable {
    public var baseline: Usage
    public var search: Usage
    public var holdout: Usage
    public var reflection: Usage

    public init(baseline: Usage = .zero, search: Usage = .zero, holdout: Usage = .zero, reflection: Usage = .zero) {
        self.baseline = baseline
        self.search = search
        self.holdout = holdout
        self.reflection = reflection
    }

    public var total: Usage { baseline + search + holdout + reflection }
}

/// The record's digest and signature.
public struct AuditIntegrity: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// `signature` holds an HMAC-SHA256 under the key in ``AuditSigner/keyVariable``.
        case signed
        /// No key was available when the record was written: only the digest protects it,
        /// which detects accidents but not a deliberate edit that also rewrites the digest.
        case unsigned
    }

    /// `sha256` of the record's canonical JSON without this field.
    public var digest: String
    public var status: Status
    /// Lower-case hex HMAC-SHA256 of the same canonical bytes (nil when unsigned).
    public var signature: String?
    /// The environment variable that held the key.
    public var keyVariable: String
}
