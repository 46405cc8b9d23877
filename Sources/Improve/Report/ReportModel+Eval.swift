import Evals
import Foundation
import ImproveCore

extension ReportModel {
    /// The report of `improve-cli eval`: the overall mean, pass rate and every scorer dimension
    /// with their intervals, each item's score, and the personas when the suite has them.
    public init(eval report: EvalReport, profileVersion: Int, runID: String?) {
        self.init(
            kind: "eval", title: "improve eval \(report.profileName)", runID: runID,
            profile: ProfileLine(name: report.profileName, version: profileVersion, hash: report.profileHash))
        var rows: [IntervalRow] = []
        func add(_ label: String, _ estimate: Estimate?) {
            guard let estimate else { return }
            rows.append(IntervalRow(label: label, estimate: estimate.value, lower: estimate.low, upper: estimate.high, status: nil, detail: "\(estimate.method), n = \(estimate.n)"))
        }
        add("mean score", report.overall)
        add("pass rate", report.passRate)
        for (name, estimate) in report.dimensions.sorted(by: { $0.key < $1.key }) { add(name, estimate) }
        intervals = rows.isEmpty ? nil : IntervalSection(caption: "estimates with 95% intervals", minLift: nil, showZero: false, rows: rows)
        let scored = report.items.filter { $0.trace?.source != "persona" }
        if !scored.isEmpty {
            items = ItemSection(split: report.split, reference: nil, comparison: report.model, rows: scored.map { ItemRow(itemID: $0.itemID, reference: nil, score: $0.score) })
        }
        personas = PersonaSection(results: report.items, summaries: report.personas)
        phases = [PhaseCost(phase: "eval", inputTokens: report.usage.inputTokens, outputTokens: report.usage.outputTokens, cost: report.usage.cost, seconds: report.wallTimeSeconds)]
        modelsServed = Array(Set(report.items.compactMap { $0.trace?.servedModel })).sorted()
        usedStubOrReplay = report.items.contains { ["stub", "replay"].contains($0.trace?.source ?? "") }
        notes = ["Suite \(report.suiteName) (\(report.suiteHash.prefix(12))), split \(report.split), model \(report.model); \(report.items.count) results, \(report.infraErrors) infrastructure errors."]
    }
}
