import ImproveCore

/// A candidate and its scores on the SEARCH split only.
///
/// Holdout items and holdout scores never enter any type in this module: the search engine
/// is built from a ``SearchSet`` and the gate lives in the `Improve` module, so a generator
/// cannot see them even by mistake.
public struct ScoredCandidate: Sendable, Codable, Equatable {
    public var candidate: Candidate
    /// Results keyed by item id (search items only).
    public var results: [String: ItemResult]

    public init(candidate: Candidate, results: [String: ItemResult]) {
        self.candidate = candidate
        self.results = results
    }

    public var id: String { candidate.id }

    /// Mean score over the items scored so far (0 when none).
    ///
    /// Summed in sorted order: a dictionary's order differs between processes, and a sum in
    /// another order can differ in its last bit, which would let a resumed run rank ties
    /// differently from the run it resumes.
    public var meanScore: Double {
        results.isEmpty ? 0 : results.values.map(\.score).sorted().reduce(0, +) / Double(results.count)
    }
}

/// An edit that was proposed and not accepted, remembered so it is not proposed again and
/// can be shown to the reflection model.
public struct RejectedEdit: Sendable, Codable, Equatable {
    public var component: String
    public var text: String
    public var generator: String
    public var reason: String

    public init(component: String, text: String, generator: String, reason: String) {
        self.component = component
        self.text = text
        self.generator = generator
        self.reason = reason
    }
}

/// The labelled items a generator may look at: the search split, and nothing else.
public struct SearchSet: Sendable, Codable, Equatable {
    public let items: [EvalItem]

    public init(items: [EvalItem]) {
        self.items = items
    }

    /// The distinct expected values (the label set) of a classification suite, sorted.
    public var labels: [String] {
        Array(Set(items.compactMap(\.expected))).sorted()
    }
}

/// What a generator sees when asked to propose.
public struct ProposalContext: Sendable {
    /// Every candidate scored so far, with search-split results.
    public var pool: [ScoredCandidate]
    /// The candidate chosen as parent for this proposal.
    public var parent: ScoredCandidate
    /// The parent's results on this iteration's minibatch, with traces and feedback.
    public var minibatch: [ItemResult]
    /// The component this iteration should change (round-robin over the surface's components).
    public var component: String
    /// The feedback pool of the search split: the items minibatches come from. Validation
    /// items are withheld so demonstrations or edits cannot leak into parent selection.
    public var search: SearchSet
    public var rejected: [RejectedEdit]
    /// Metric calls left in the budget (nil: unlimited).
    public var metricCallsLeft: Int?
    public var iteration: Int
    public var settings: SearchSettings
    /// Ids of every candidate proposed so far (scored or rejected), so a generator with a
    /// fixed menu of edits can skip the ones already tried instead of wasting a proposal.
    public var seenCandidateIDs: Set<String>

    public init(pool: [ScoredCandidate], parent: ScoredCandidate, minibatch: [ItemResult], component: String, search: SearchSet, rejected: [RejectedEdit], metricCallsLeft: Int?, iteration: Int, settings: SearchSettings, seenCandidateIDs: Set<String> = []) {
        self.pool = pool
        self.parent = parent
        self.minibatch = minibatch
        self.component = component
        self.search = search
        self.rejected = rejected
        self.metricCallsLeft = metricCallsLeft
        self.iteration = iteration
        self.settings = settings
        self.seenCandidateIDs = seenCandidateIDs
    }

    /// The search item with this id, if any.
    public func item(id: String) -> EvalItem? {
        search.items.first { $0.id == id }
    }

    /// True when `components` would be a new candidate: not seen, and no changed component
    /// repeats an edit already rejected for that component.
    public func isNew(_ components: [String: String]) -> Bool {
        let candidate = Candidate(components: components, generator: "")
        guard !seenCandidateIDs.contains(candidate.id), components != parent.candidate.components else { return false }
        return !components.contains { name, text in
            text != parent.candidate.components[name] && rejected.contains { $0.component == name && $0.text == text }
        }
    }

    /// A child of the parent with one component replaced.
    public func child(setting component: String, to text: String, generator: String, rationale: String) -> Candidate {
        var components = parent.candidate.components
        components[component] = text
        return Candidate(components: components, parents: [parent.id], generator: generator, rationale: rationale)
    }
}

/// The result of one proposal.
public enum Proposal: Sendable {
    /// New candidates to score (usually one).
    case candidates([Candidate])
    /// Nothing to propose this time (the engine counts it as a failed proposal).
    case nothing(reason: String)
    /// This generator has nothing more to offer at all; the engine stops asking it.
    case exhausted(reason: String)
}

/// Proposes candidates. Model calls go through `model`, which the engine has wrapped in the
/// allowed-models guard and the step journal; randomness comes only from `rng`.
///
/// A new generator is a `CandidateGenerator` plus a ``GeneratorKind`` listed in
/// ``GeneratorRegistry/builtIn`` (see the Extending article of the `Improve` documentation).
public protocol CandidateGenerator: Sendable {
    /// Stable name, recorded on every candidate it proposes.
    var name: String { get }

    /// Proposes children of `context.parent`, learning only from the search split the context
    /// carries (holdout items never reach a generator).
    ///
    /// - **Result, not throw.** Return ``Proposal/candidates(_:)`` (usually one, built with
    ///   ``ProposalContext/child(setting:to:generator:rationale:)``; ``ProposalContext/isNew(_:)``
    ///   skips what was already tried), ``Proposal/nothing(reason:)`` when there is nothing to
    ///   propose this time — an unusable model reply (cut off, no fenced text, a request the
    ///   provider refused as too long) included — or ``Proposal/exhausted(reason:)`` when there
    ///   never will be. The engine counts `nothing` (and an empty list) as a failed iteration:
    ///   `search.maxConsecutiveFailures` of them in a row end the search. `exhausted` ends the
    ///   search at once (inside ``CompositeGenerator``, it retires only that member).
    /// - **What the caller does with a throw.** Nothing catches it: the search stops and the
    ///   run ends as failed, resumable (`improve-cli resume`, or calling `improve` again). So
    ///   throw only for what should stop the run — the policy refusing a model
    ///   (`ModelError.notAllowed`), a provider that stays down after
    ///   its retries, the store — and let `CancellationError` propagate.
    /// - **Determinism.** Every random choice comes from `rng`, the run's generator stream
    ///   (seeded from the search seed; its state is recorded with each proposal). Never
    ///   `SystemRandomNumberGenerator`, `.random()` without `using:`, the clock, `UUID()`, or the
    ///   iteration order of a `Set` or `Dictionary` (it changes between processes: sort first).
    ///   A resumed run replays the search from its start, and the same context and `rng` state
    ///   must give the same proposal, so that its model calls are the same requests — replayed
    ///   from the journal instead of paid again — and the run reaches the same candidates.
    /// - **Concurrency and state.** Called one proposal at a time within a run (draws stay
    ///   serial even with `search.parallelProposals`), but the value is shared across tasks:
    ///   keep no mutable state between calls. What a generator should remember — the pool, the
    ///   rejected edits, the ids already seen, the budget left — is in `context`, which a
    ///   resumed run rebuilds; state of its own would be lost on resume and change the path.
    /// - **Model calls.** Only through `model` (the reflection role, already guarded and
    ///   journaled; its usage counts toward the run's token and cost budgets). A client made
    ///   any other way would bypass the allowed-models guard and the journal.
    func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal
}
