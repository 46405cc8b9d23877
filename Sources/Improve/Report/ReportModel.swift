import Foundation

/// Everything a report shows, independent of how it is drawn: the input of the HTML page, the
/// pull-request summary and `improve-cli report --format json` (written as `report.json`).
///
/// Built for a run by `ReportModel(run:audit:auditPath:markdownPath:)` (inside the module) and
/// by ``ReportModel/init(eval:profileVersion:runID:)`` for `improve-cli eval`; other commands
/// (strategy evolution) fill the sections they have. Every section is optional or may be empty,
/// and the page draws only the sections that hold data.
public struct ReportModel: Codable, Sendable, Equatable {
    /// Version of this layout, for readers of `report.json`.
    public static let currentFormat = 1

    /// The layout version this model was written with.
    public var format: Int = ReportModel.currentFormat
    /// `run`, `eval`, `evolve`, ...
    public var kind: String
    /// The page's heading.
    public var title: String
    /// The run in the store, when there is one.
    public var runID: String?
    /// The profile the report is about.
    public var profile: ProfileLine
    /// The gate's decision and checks (nil for an eval).
    public var verdict: Verdict?
    /// Intervals to draw against zero and the gate's `minLift`.
    public var intervals: IntervalSection?
    /// Candidates scored on the search split, in the order they were scored (baseline first).
    public var candidates: [CandidatePoint]
    /// Proposals the search dropped, for the lineage tree and the spend axis.
    public var rejected: [RejectedProposal]
    /// What a candidate's score and the spend axis measure, when not the search mean score and
    /// metric calls (an artifact run: the metric's gain over the baseline, experiments run).
    public var scoreAxis: String?
    /// See ``scoreAxis``.
    public var spendAxis: String?
    /// Per-item scores on the holdout split (or the evaluated split).
    public var items: ItemSection?
    /// The winner's text against the baseline's, per component.
    public var changes: [ComponentChange]
    /// Tokens, cost and time per phase; the last row is the total when there are several.
    public var phases: [PhaseCost]
    /// Model ids the providers said they served.
    public var modelsServed: [String]
    /// True when any answer came from a stub or a cassette replay.
    public var usedStubOrReplay: Bool
    /// Persona suites only.
    public var personas: PersonaSection?
    /// Where the run's other records are (audit record, written profile, Markdown report).
    public var files: [NamedFile]
    /// Short sentences that do not fit elsewhere (stop reason, proposal counts).
    public var notes: [String]

    /// A model with nothing but its header; callers fill the sections they have.
    public init(kind: String, title: String, runID: String?, profile: ProfileLine) {
        self.kind = kind
        self.title = title
        self.runID = runID
        self.profile = profile
        self.verdict = nil
        self.intervals = nil
        self.candidates = []
        self.rejected = []
        self.scoreAxis = nil
        self.spendAxis = nil
        self.items = nil
        self.changes = []
        self.phases = []
        self.modelsServed = []
        self.usedStubOrReplay = false
        self.personas = nil
        self.files = []
        self.notes = []
    }

    /// The audit record's path, when the report names one.
    public var auditPath: String? { files.first { $0.role == "audit" }?.path }
}

/// Which profile a report is about.
public struct ProfileLine: Codable, Sendable, Equatable {
    /// The profile's name.
    public var name: String
    /// The profile version the run started from.
    public var version: Int
    /// Content hash of that profile.
    public var hash: String
    /// The generator of a run (nil for an eval).
    public var generator: String?
    /// The run's seed (nil for an eval).
    public var seed: UInt64?

    /// A profile line.
    public init(name: String, version: Int, hash: String, generator: String? = nil, seed: UInt64? = nil) {
        self.name = name
        self.version = version
        self.hash = hash
        self.generator = generator
        self.seed = seed
    }
}

/// The gate's decision as shown.
public struct Verdict: Codable, Sendable, Equatable {
    /// `ship`, `hold` or `reject`.
    public var decision: String
    /// Sentences saying why.
    public var reasons: [String]
    /// Every named check, in the gate's order.
    public var checks: [Check]

    /// One named check: `pass`, `fail`, `notEvaluated` or `skipped`, and why.
    public struct Check: Codable, Sendable, Equatable {
        /// The check's name (`significantLift`, `coverage`, ...).
        public var name: String
        /// `pass`, `fail`, `notEvaluated` or `skipped`.
        public var status: String
        /// Why, in a sentence.
        public var detail: String

        /// A check.
        public init(name: String, status: String, detail: String) {
            self.name = name
            self.status = status
            self.detail = detail
        }
    }

    /// A verdict.
    public init(decision: String, reasons: [String], checks: [Check]) {
        self.decision = decision
        self.reasons = reasons
        self.checks = checks
    }
}

/// Estimates with confidence intervals, drawn on one axis with reference lines.
public struct IntervalSection: Codable, Sendable, Equatable {
    /// What the estimates are ("holdout lift (winner - baseline)", "mean score", ...).
    public var caption: String
    /// The gate's minimum lift, drawn as a dashed line (nil: none).
    public var minLift: Double?
    /// Whether to draw the zero line (lifts: yes; plain means: no).
    public var showZero: Bool
    /// One row per estimate, drawn top to bottom.
    public var rows: [IntervalRow]
    /// The dashed line's name (nil: `minLift`).
    public var referenceName: String?
    /// A sentence under the chart (nil: the gate's wording).
    public var legend: String?

    /// A section; `referenceName` and `legend` default to the gate's wording.
    public init(caption: String, minLift: Double?, showZero: Bool, rows: [IntervalRow], referenceName: String? = nil, legend: String? = nil) {
        self.caption = caption
        self.minLift = minLift
        self.showZero = showZero
        self.rows = rows
        self.referenceName = referenceName
        self.legend = legend
    }
}

/// One estimate and its interval.
public struct IntervalRow: Codable, Sendable, Equatable {
    /// Shown left of the interval.
    public var label: String
    /// The point estimate (the dot).
    public var estimate: Double
    /// The interval's lower bound.
    public var lower: Double
    /// The interval's upper bound.
    public var upper: Double
    /// `pass` when the row clears what it must (the gate's lift), `fail` when not, nil: neutral.
    public var status: String?
    /// Method, pairs, p-value: shown on hover.
    public var detail: String

    /// A row.
    public init(label: String, estimate: Double, lower: Double, upper: Double, status: String?, detail: String) {
        self.label = label
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.status = status
        self.detail = detail
    }
}

/// A candidate the search scored in full on its validation items.
public struct CandidatePoint: Codable, Sendable, Equatable {
    /// The candidate's content-hash id.
    public var id: String
    /// Ids of the candidates it was derived from.
    public var parents: [String]
    /// The generator that proposed it (`baseline` for the seed).
    public var generator: String
    /// The generator's reason for the edit.
    public var rationale: String
    /// Mean search (validation) score.
    public var searchMean: Double
    /// Metric calls spent by the search up to and including this candidate's scoring.
    public var spentMetricCalls: Int
    /// True for the profile as given.
    public var isBaseline: Bool
    /// True for the candidate the gate judged.
    public var isWinner: Bool

    /// A point.
    public init(id: String, parents: [String], generator: String, rationale: String, searchMean: Double, spentMetricCalls: Int, isBaseline: Bool, isWinner: Bool) {
        self.id = id
        self.parents = parents
        self.generator = generator
        self.rationale = rationale
        self.searchMean = searchMean
        self.spentMetricCalls = spentMetricCalls
        self.isBaseline = isBaseline
        self.isWinner = isWinner
    }
}

/// A proposal the search did not keep.
public struct RejectedProposal: Codable, Sendable, Equatable {
    /// The search iteration that proposed it.
    public var iteration: Int
    /// The candidate it was derived from.
    public var parent: String
    /// The proposed candidate's id (nil when the generator proposed nothing).
    public var child: String?
    /// The generator that proposed it (empty when none did).
    public var generator: String
    /// The generator's reason for the edit.
    public var rationale: String
    /// Why it was dropped.
    public var reason: String
    /// Metric calls spent by the search up to and including this proposal.
    public var spentMetricCalls: Int

    /// A dropped proposal.
    public init(iteration: Int, parent: String, child: String?, generator: String, rationale: String, reason: String, spentMetricCalls: Int) {
        self.iteration = iteration
        self.parent = parent
        self.child = child
        self.generator = generator
        self.rationale = rationale
        self.reason = reason
        self.spentMetricCalls = spentMetricCalls
    }
}

/// Per-item scores: baseline against winner, or one arm alone (an eval).
public struct ItemSection: Codable, Sendable, Equatable {
    /// Which split ("holdout", "search", "all").
    public var split: String
    /// Name of the arm compared against ("baseline"); nil when one arm is shown.
    public var reference: String?
    /// Name of the arm whose scores are shown (the winner, or the only arm).
    public var comparison: String
    /// One row per item, in suite order.
    public var rows: [ItemRow]

    /// A section.
    public init(split: String, reference: String?, comparison: String, rows: [ItemRow]) {
        self.split = split
        self.reference = reference
        self.comparison = comparison
        self.rows = rows
    }
}

/// One item's scores.
public struct ItemRow: Codable, Sendable, Equatable {
    /// The suite item's id.
    public var itemID: String
    /// The reference arm's score (nil for a single arm).
    public var reference: Double?
    /// The shown arm's score in [0, 1].
    public var score: Double

    /// A row.
    public init(itemID: String, reference: Double?, score: Double) {
        self.itemID = itemID
        self.reference = reference
        self.score = score
    }

    /// `improved`, `regressed` or `same` against the reference; `scored` without one.
    public var change: String {
        guard let reference else { return "scored" }
        if score > reference + 1e-9 { return "improved" }
        if score < reference - 1e-9 { return "regressed" }
        return "same"
    }
}

/// One component's text before and after.
public struct ComponentChange: Codable, Sendable, Equatable {
    /// The component's name (`systemPrompt`, `skill:<name>`, a file).
    public var component: String
    /// The baseline's text.
    public var before: String
    /// The winner's text.
    public var after: String
    /// Unified diff of `before` and `after`.
    public var diff: String

    /// A change.
    public init(component: String, before: String, after: String, diff: String) {
        self.component = component
        self.before = before
        self.after = after
        self.diff = diff
    }
}

/// Tokens, dollars and seconds of one phase.
public struct PhaseCost: Codable, Sendable, Equatable {
    /// `baseline`, `search`, `reflection`, `holdout`, `eval` or `total`.
    public var phase: String
    /// Prompt tokens.
    public var inputTokens: Int
    /// Completion tokens.
    public var outputTokens: Int
    /// Dollars, from the provider price table.
    public var cost: Double
    /// Wall-clock seconds (nil when not timed).
    public var seconds: Double?

    /// A phase's figures.
    public init(phase: String, inputTokens: Int, outputTokens: Int, cost: Double, seconds: Double?) {
        self.phase = phase
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cost = cost
        self.seconds = seconds
    }
}

/// A file the report points to.
public struct NamedFile: Codable, Sendable, Equatable {
    /// `audit`, `profile`, `markdown`, `attempts`, ...
    public var role: String
    /// Absolute or as given to the command.
    public var path: String

    /// A file reference.
    public init(role: String, path: String) {
        self.role = role
        self.path = path
    }
}
