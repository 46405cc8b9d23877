import ImproveCore

/// Screening, pricing, concurrent evaluation and judging of proposed children: the part of
/// ``SearchLoop`` that runs after the generator has spoken.
extension SearchLoop {
    /// A screened child whose baselines are scored and whose evaluation is paid for.
    private struct ReadyChild {
        var record: ProposalRecord
        let child: Candidate
        let parent: ScoredCandidate
        let minibatch: [EvalItem]
        let baselineSum: Double
        let profile: AgentProfile
    }

    /// What evaluating one ready child returned (applied later, in order).
    private struct ChildRuns: Sendable {
        let minibatch: RolloutMean.Scored
        let validation: RolloutMean.Scored?
    }

    private enum Prepared {
        case ready(ReadyChild)
        case done(ProposalRecord, IterationOutcome)
    }

    /// Screens, prices and evaluates a batch of children, then judges them in order.
    mutating func evaluate(_ batch: [PendingChild]) async throws -> (accepted: Bool, failed: Int, stop: StopReason?) {
        var prepared: [Prepared] = []
        var reserved = 0
        for pending in batch {
            let step = try await prepare(pending, reserved: &reserved)
            prepared.append(step)
            if case .done(_, .stop) = step { break }
        }
        let ready = prepared.compactMap { step -> ReadyChild? in
            if case .ready(let child) = step { return child }
            return nil
        }
        let runs = try await evaluateConcurrently(ready)
        var accepted = false
        var failed = 0
        var readyIndex = 0
        for step in prepared {
            switch step {
            case .done(let record, let outcome):
                try await log(record, accepted: nil)
                switch outcome {
                case .stop(let reason): return (accepted, failed, reason)
                case .failed(let count): failed += count
                case .accepted: accepted = true
                }
            case .ready(let child):
                if try await judge(child, runs: runs[readyIndex]) { accepted = true } else { failed += 1 }
                readyIndex += 1
            }
        }
        return (accepted, failed, nil)
    }

    /// Screens one child, scores its baselines on the minibatch and reserves the budget its
    /// evaluation may need (minibatch plus validation, so an accepted child is always fully
    /// scored).
    private mutating func prepare(_ pending: PendingChild, reserved: inout Int) async throws -> Prepared {
        var record = pending.record
        let child = pending.child, parent = pending.parent, minibatch = pending.minibatch
        record.generator = child.generator
        record.rationale = child.rationale
        record.child = child.id
        record.childParents = child.parents
        record.changedComponents = changedComponents(child, from: parent.candidate)

        if let problem = screen.problem(with: child, parent: parent.candidate, seen: seen, rejected: rejected) {
            remember(child, parent: parent.candidate, reason: problem)
            record.reason = "rejected before scoring: \(problem)"
            return .done(record, .failed(1))
        }

        // Acceptance compares against every parent still in the pool (a merge has two), so
        // their minibatch scores are needed too.
        let named = child.parents.compactMap { id in pool.first { $0.id == id } }
        let baselines = named.isEmpty ? [parent] : named
        let needed = baselines.reduce(0) { $0 + cost($1.candidate, on: minibatch) } + cost(child, on: unique(minibatch + split.validation))
        guard spend.allows(reserved + needed, within: engine.budget) else {
            record.reason = "stopped: the budget cannot pay for scoring this child"
            return .done(record, .stop(budgetStop(needed: needed)))
        }
        let profile = try engine.surface.apply(child.components, to: engine.base)
        seen.insert(child.id)
        var baselineSum = -Double.infinity
        for baseline in baselines {
            let run = try await score(baseline.candidate, on: minibatch)
            record.metricCalls += run.paid
            record.evaluationUsage = record.evaluationUsage + run.usage
            baselineSum = max(baselineSum, run.results.reduce(0) { $0 + $1.score })
        }
        reserved += cost(child, on: unique(minibatch + split.validation))
        return .ready(ReadyChild(record: record, child: child, parent: parent, minibatch: minibatch, baselineSum: baselineSum, profile: profile))
    }

    /// Runs every ready child's minibatch (and, when it beats its baselines there, its
    /// validation) at once. Children are new candidates, so no two share a pair and none
    /// has a pair in the cache; results come back indexed, in the order given.
    private func evaluateConcurrently(_ ready: [ReadyChild]) async throws -> [ChildRuns] {
        let evaluator = rolloutEvaluator
        let validation = split.validation
        let jobs = ready.map { (profile: $0.profile, minibatch: $0.minibatch, baselineSum: $0.baselineSum) }
        if jobs.count == 1, let job = jobs.first {
            return [try await Self.evaluateChild(job.profile, minibatch: job.minibatch, validation: validation, beating: job.baselineSum, evaluator: evaluator)]
        }
        return try await withThrowingTaskGroup(of: (Int, ChildRuns).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    (index, try await Self.evaluateChild(job.profile, minibatch: job.minibatch, validation: validation, beating: job.baselineSum, evaluator: evaluator))
                }
            }
            var byIndex: [Int: ChildRuns] = [:]
            for try await (index, runs) in group { byIndex[index] = runs }
            return jobs.indices.compactMap { byIndex[$0] }
        }
    }

    private static func evaluateChild(_ profile: AgentProfile, minibatch: [EvalItem], validation: [EvalItem], beating baselineSum: Double, evaluator: RolloutMean) async throws -> ChildRuns {
        let onMinibatch = try await evaluator.evaluate(profile, on: minibatch)
        guard onMinibatch.results.reduce(0, { $0 + $1.score }) > baselineSum else { return ChildRuns(minibatch: onMinibatch, validation: nil) }
        let ids = Set(minibatch.map(\.id))
        let rest = validation.filter { !ids.contains($0.id) }
        let onValidation = rest.isEmpty ? RolloutMean.Scored(results: [], metricCalls: 0) : try await evaluator.evaluate(profile, on: rest)
        return ChildRuns(minibatch: onMinibatch, validation: onValidation)
    }

    /// Applies one child's runs: charges them, then accepts it into the pool or rejects it.
    private mutating func judge(_ ready: ReadyChild, runs: ChildRuns) async throws -> Bool {
        var record = ready.record
        let child = ready.child
        let minibatchRun = charge(child, runs.minibatch)
        record.metricCalls += minibatchRun.paid
        record.evaluationUsage = record.evaluationUsage + minibatchRun.usage
        record.childScores = runs.minibatch.results.map(\.score)
        let childSum = record.childScores.reduce(0, +)
        let baselineSum = ready.baselineSum

        guard let validationRuns = runs.validation else {
            let reason = "minibatch sum \(format(childSum)) did not beat \(format(baselineSum))"
            remember(child, parent: ready.parent.candidate, reason: reason)
            record.reason = "rejected: \(reason)"
            try await log(record, accepted: nil)
            return false
        }
        let validationRun = charge(child, validationRuns)
        record.metricCalls += validationRun.paid
        record.evaluationUsage = record.evaluationUsage + validationRun.usage
        let scored = ScoredCandidate(candidate: child, results: cache.results(candidate: child.id, on: split.validation).byID)
        pool.append(scored)
        record.accepted = true
        record.reason = "accepted: minibatch sum \(format(childSum)) > \(format(baselineSum)); validation mean \(format(scored.meanScore))"
        try await log(record, accepted: scored)
        return true
    }
}
