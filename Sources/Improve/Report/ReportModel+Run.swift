import Foundation
import Generators
import ImproveCore

extension ReportModel {
    /// The report of a finished run, from what the run produced and its audit record (which
    /// already holds usage per phase, the models served and the stub/replay flag).
    init(run doc: RunDocument, audit: AuditRecord, auditPath: String, markdownPath: String) {
        self.init(
            kind: "run", title: "improve run \(doc.runID)", runID: doc.runID,
            profile: ProfileLine(name: doc.inputs.profile.name, version: doc.inputs.profile.version, hash: doc.inputs.profile.contentHash, generator: doc.generator, seed: doc.seed))
        let gate = doc.holdout.decision
        verdict = Verdict(decision: gate.decision.rawValue, reasons: gate.reasons, checks: gate.checks.map { Verdict.Check(name: $0.name.rawValue, status: $0.status.rawValue, detail: $0.detail) })
        intervals = Self.liftIntervals(gate)
        (candidates, rejected) = Self.searchPoints(doc.search, winnerID: doc.winner?.candidate.id)
        if let winner = doc.winner {
            let baseline = Dictionary(doc.holdout.baselineHoldout.map { ($0.itemID, $0.score) }, uniquingKeysWith: { first, _ in first })
            let rows = winner.holdout.map { ItemRow(itemID: $0.itemID, reference: baseline[$0.itemID], score: $0.score) }
            items = ItemSection(split: "holdout", reference: "baseline", comparison: "winner", rows: rows)
            changes = Self.componentChanges(old: doc.holdout.baseline.candidate.components, new: winner.candidate.candidate.components)
            // Every trial, the ones the gate excluded (simulator or infrastructure failures) included.
            let all = doc.holdout.allResults
            personas = PersonaSection(results: all[winner.candidate.id] ?? winner.holdout, reference: all[doc.holdout.baseline.id] ?? doc.holdout.baselineHoldout)
        } else {
            items = ItemSection(split: "holdout", reference: nil, comparison: "baseline", rows: doc.holdout.baselineHoldout.map { ItemRow(itemID: $0.itemID, reference: nil, score: $0.score) })
            personas = PersonaSection(results: doc.holdout.allResults[doc.holdout.baseline.id] ?? doc.holdout.baselineHoldout)
        }
        phases = Self.phaseCosts(audit.usage, timings: audit.timings)
        modelsServed = audit.modelsServed
        usedStubOrReplay = audit.usedStubOrReplay
        files = [NamedFile(role: "audit", path: auditPath), NamedFile(role: "markdown", path: markdownPath)]
        if let written = doc.writtenProfile { files.append(NamedFile(role: "profile", path: written)) }
        let accepted = doc.search.proposals.filter(\.accepted).count
        notes = [
            "\(count(doc.search.proposals.count, "proposal")), \(accepted) accepted, \(count(doc.search.pool.count, "candidate")) scored; \(count(doc.search.spend.metricCalls, "search metric call")).",
            "The search stopped: \(doc.search.stop).",
        ]
    }

    /// "1 proposal", "2 proposals".
    private func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    /// Every finalist's holdout lift with its interval; the gate's winner is the one that counts.
    static func liftIntervals(_ gate: GateVerdict) -> IntervalSection? {
        let rows = gate.comparisons.compactMap { comparison -> IntervalRow? in
            guard let stats = comparison.statistics else { return nil }
            let isWinner = comparison.candidateID == gate.winnerID
            let clears = comparison.showsImprovement(minLift: gate.settings.minLift, alpha: 1 - gate.settings.confidence)
            let detail = "\(stats.method.rawValue) on \(stats.pairs) pairs, \(stats.improved) better and \(stats.regressed) worse, p = \(ChartNumber.pValue(stats.adjustedPValue)), \(Int((stats.interval.confidence * 100).rounded()))% interval"
            return IntervalRow(
                label: (isWinner ? "winner " : "") + String(comparison.candidateID.prefix(10)), estimate: stats.lift,
                lower: stats.interval.lower, upper: stats.interval.upper, status: clears ? "pass" : "fail", detail: detail)
        }
        guard !rows.isEmpty else { return nil }
        return IntervalSection(caption: "holdout lift, candidate minus baseline", minLift: gate.settings.minLift, showZero: true, rows: rows)
    }

    /// Pool candidates at the spend when they were scored, and the dropped proposals.
    static func searchPoints(_ search: SearchResult, winnerID: String?) -> ([CandidatePoint], [RejectedProposal]) {
        let proposalCalls = search.proposals.reduce(0) { $0 + $1.metricCalls }
        var spent = max(0, search.spend.metricCalls - proposalCalls)
        var spentAt: [String: Int] = [:]
        if let seed = search.pool.first { spentAt[seed.id] = spent }
        var rejected: [RejectedProposal] = []
        for proposal in search.proposals {
            spent += proposal.metricCalls
            if proposal.accepted, let child = proposal.child {
                spentAt[child] = spentAt[child] ?? spent
            } else {
                rejected.append(RejectedProposal(
                    iteration: proposal.iteration, parent: proposal.parent, child: proposal.child, generator: proposal.generator,
                    rationale: proposal.rationale, reason: proposal.reason, spentMetricCalls: spent))
            }
        }
        let seedID = search.pool.first?.id
        let points = search.pool.map { scored in
            CandidatePoint(
                id: scored.id, parents: scored.candidate.parents, generator: scored.id == seedID ? "baseline" : scored.candidate.generator,
                rationale: scored.candidate.rationale, searchMean: scored.meanScore, spentMetricCalls: spentAt[scored.id] ?? spent,
                isBaseline: scored.id == seedID, isWinner: scored.id == winnerID)
        }
        return (points, rejected)
    }

    /// One entry per component whose text differs.
    static func componentChanges(old: [String: String], new: [String: String]) -> [ComponentChange] {
        Set(old.keys).union(new.keys).sorted().compactMap { name in
            let before = old[name] ?? "", after = new[name] ?? ""
            guard before != after else { return nil }
            return ComponentChange(component: name, before: before, after: after, diff: UnifiedDiff.make(old: terminated(before), new: terminated(after), oldName: "\(name) (baseline)", newName: "\(name) (winner)"))
        }
    }

    /// Texts end in a newline for the diff, so it shows no "no newline at end of file" lines.
    private static func terminated(_ text: String) -> String {
        text.hasSuffix("\n") ? text : text + "\n"
    }

    /// Usage per phase with the seconds each phase took, and a total row.
    static func phaseCosts(_ usage: PhaseUsage, timings: [String: Double]) -> [PhaseCost] {
        let phases: [(String, Usage)] = [("baseline", usage.baseline), ("search", usage.search), ("reflection", usage.reflection), ("holdout", usage.holdout)]
        var rows = phases.map { PhaseCost(phase: $0.0, inputTokens: $0.1.inputTokens, outputTokens: $0.1.outputTokens, cost: $0.1.cost, seconds: timings[$0.0]) }
        let total = usage.total
        let seconds = timings["total"] ?? (timings.isEmpty ? nil : timings.values.reduce(0, +))
        rows.append(PhaseCost(phase: "total", inputTokens: total.inputTokens, outputTokens: total.outputTokens, cost: total.cost, seconds: seconds))
        return rows
    }
}
