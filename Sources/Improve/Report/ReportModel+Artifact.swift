import Foundation
import Generators
import ImproveCore

extension ReportModel {
    /// The report of an autoresearch run: kept edits as candidates whose score is the metric's
    /// gain over the baseline (so higher is better whichever way the metric points), against
    /// the experiments run; each kept edit's gain drawn against the keep threshold.
    init(artifact record: ArtifactAuditRecord, writtenFile: String?, attemptsLog: String, auditPath: String, markdownPath: String) {
        self.init(
            kind: "artifact", title: "improve run \(record.runID) (\(record.file))", runID: record.runID,
            profile: ProfileLine(name: record.profileName, version: 1, hash: record.originalHash, generator: "autoresearch"))
        let gain = { (metric: Double) in record.direction == .minimise ? record.baselineMetric - metric : metric - record.baselineMetric }
        let kept = record.attempts.filter { $0.status == .keep && $0.metric != nil && $0.number > 0 }
        verdict = Verdict(decision: record.verdict.rawValue, reasons: record.reasons, checks: [
            Verdict.Check(
                name: "threshold", status: kept.isEmpty ? "fail" : "pass",
                detail: "a kept edit beats the incumbent by more than \(ChartNumber.tick(record.threshold)) = max(2 × noise \(ChartNumber.tick(record.noise)), minDelta \(ChartNumber.tick(record.minDelta)))"),
        ])
        if !kept.isEmpty {
            let rows = kept.map { attempt in
                let value = gain(attempt.metric ?? record.baselineMetric)
                return IntervalRow(label: "attempt \(attempt.number)", estimate: value, lower: value - record.noise, upper: value + record.noise, status: "pass", detail: attempt.description)
            }
            intervals = IntervalSection(
                caption: "gain over the baseline of \(record.command)", minLift: record.threshold, showZero: true, rows: rows, referenceName: "threshold",
                legend: "Dot: a kept edit's gain over the baseline; bar: ± the noise of repeated baseline runs. An edit is kept only when it beats the incumbent by more than the dashed threshold.")
        }
        scoreAxis = "gain over the baseline"
        spendAxis = "experiments run"
        let baselineID = "attempt-0"
        var incumbent = baselineID
        candidates = [CandidatePoint(id: baselineID, parents: [], generator: "baseline", rationale: "the file as given", searchMean: 0, spentMetricCalls: 0, isBaseline: true, isWinner: kept.isEmpty)]
        for attempt in record.attempts where attempt.number > 0 {
            let id = "attempt-\(attempt.number)"
            if attempt.status == .keep, let metric = attempt.metric {
                candidates.append(CandidatePoint(
                    id: id, parents: [incumbent], generator: "autoresearch", rationale: attempt.description, searchMean: gain(metric),
                    spentMetricCalls: attempt.number, isBaseline: false, isWinner: attempt.number == kept.last?.number))
                incumbent = id
            } else {
                rejected.append(RejectedProposal(
                    iteration: attempt.number, parent: incumbent, child: id, generator: "autoresearch", rationale: attempt.description,
                    reason: attempt.status == .crash ? "crashed" : "metric \(attempt.metric.map(ChartNumber.tick) ?? "none") did not beat the incumbent by the threshold",
                    spentMetricCalls: attempt.number))
            }
        }
        if !record.diff.isEmpty {
            changes = [ComponentChange(component: record.file, before: "", after: "", diff: record.diff)]
        }
        phases = [PhaseCost(phase: "total", inputTokens: record.usage.inputTokens, outputTokens: record.usage.outputTokens, cost: record.usage.cost, seconds: nil)]
        modelsServed = record.modelsServed
        usedStubOrReplay = record.usedStubOrReplay
        files = [NamedFile(role: "audit", path: auditPath), NamedFile(role: "markdown", path: markdownPath), NamedFile(role: "attempts", path: attemptsLog)]
        if let writtenFile { files.append(NamedFile(role: "written", path: writtenFile)) }
        notes = ["Baseline \(ChartNumber.tick(record.baselineMetric)), best \(ChartNumber.tick(record.bestMetric)) (\(record.direction.rawValue)); \(record.attempts.filter { $0.number > 0 }.count) attempts, \(kept.count) kept."]
    }
}
