import Foundation
import Improve
import ImproveCore

/// How a finished run is printed: JSON with `--json`, one line on a pipe (cron mail), the full
/// summary on a terminal.
enum OutcomeText {
    /// Prints one run's outcome.
    static func print(_ outcome: ImproveOutcome, json: Bool, paidCalls: Int) throws {
        if json {
            try Terminal.printJSON(outcome)
            return
        }
        guard Terminal.stdoutIsTTY else {
            // A pipe, a file or cron mail: one line that says everything.
            Swift.print(SummaryLine.text(outcome, paidCalls: paidCalls))
            return
        }
        Swift.print(text(outcome))
    }

    /// Prints the summary of `evolve --seeds`.
    static func print(_ summary: ReplicateSummary, json: Bool) throws {
        if json { try Terminal.printJSON(summary) } else { Swift.print(describe(summary)) }
    }

    /// The outcome for people: verdict, reasons, figures and where the files are.
    static func text(_ outcome: ImproveOutcome) -> String {
        func pct(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var lines = [
            "run \(outcome.runID)\(outcome.joinedExistingRun ? " (joined an existing run with the same inputs)" : "")",
            "verdict: \(outcome.verdict.rawValue.uppercased())",
        ]
        lines += outcome.reasons.map { "  - \($0)" }
        if let metric = outcome.artifactMetric {
            let number = { (value: Double) in value == value.rounded() ? String(Int(value)) : String(format: "%.4g", value) }
            lines.append("metric (\(metric)): baseline \(number(outcome.baselineSearchMean)) → best \(number(outcome.winnerSearchMean))")
        } else {
            lines.append("search (validation): baseline \(pct(outcome.baselineSearchMean)) → winner \(pct(outcome.winnerSearchMean))")
            lines.append("holdout:             baseline \(pct(outcome.baselineHoldoutMean)) → winner \(pct(outcome.winnerHoldoutMean))")
            if let personas = outcome.personas?.filter({ $0.split == "holdout" }), !personas.isEmpty {
                let passes = personas.map { "\($0.personaID) \(pct($0.baseline.passHatK.first)) → \(pct($0.winner?.passHatK.first))" }
                lines.append("holdout personas pass^1: " + passes.joined(separator: ", ") + " (\(outcome.excludedTrials ?? 0) trials excluded)")
            }
        }
        lines.append("\(outcome.proposals) proposals, \(outcome.candidates) candidates, \(outcome.metricCalls) metric calls, \(outcome.usage.totalTokens) tokens, $\(String(format: "%.4f", outcome.usage.cost)); stopped: \(outcome.stopReason)")
        if let written = outcome.writtenProfile { lines.append("\(outcome.artifactMetric == nil ? "new profile" : "new version"): \(written)") }
        lines.append("audit:       \(outcome.auditRecord)")
        lines.append("report:      \(outcome.report)")
        let page = ReportFiles.page(besideMarkdown: outcome.report)
        if FileManager.default.fileExists(atPath: page.path) { lines.append("html report: \(page.path)") }
        if let evolution = outcome.evolution { lines += evolutionLines(evolution) }
        return lines.joined(separator: "\n")
    }

    /// The lines an evolve run adds: the champion and the research tables.
    static func evolutionLines(_ evolution: EvolutionSummary) -> [String] {
        var lines = [
            "champion \(evolution.championID.prefix(12)): search \(String(format: "%.1f%%", evolution.championSearchScore * 100)), \(String(format: "%.1f", evolution.championCost.tokensPerItem)) tokens/item; \(evolution.attempts) attempts, \(evolution.scored) scored, \(evolution.authorCalls) author calls"
        ]
        for key in evolution.tables.keys.sorted() { lines.append("\(key): \(evolution.tables[key] ?? "")") }
        return lines
    }

    /// The summary of `evolve --seeds` for people.
    static func describe(_ summary: ReplicateSummary) -> String {
        let pct = { (value: Double?) in value.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var lines = ["\(summary.rows.count) replicates:"]
        for row in summary.rows {
            lines.append("  seed \(row.seed): run \(row.runID) \(row.verdict.rawValue.uppercased()), search \(pct(row.baselineSearch)) → \(pct(row.championSearch)), holdout \(pct(row.baselineHoldout)) → \(pct(row.winnerHoldout))")
        }
        func interval(_ name: String, _ value: SeedInterval) -> String {
            let range = value.lower.map { "[\(pct($0)), \(pct(value.upper))]" } ?? "(one seed: no interval)"
            return "\(name): mean \(pct(value.mean)), 95% interval \(range)"
        }
        lines.append(interval("champion search score", summary.championSearch))
        lines.append(interval("search lift", summary.searchLift))
        lines.append(interval("holdout lift", summary.holdoutLift))
        lines.append("verdicts: " + summary.verdicts.keys.sorted().map { "\($0) \(summary.verdicts[$0] ?? 0)" }.joined(separator: ", "))
        for key in summary.files.keys.sorted() { lines.append("\(key): \(summary.files[key] ?? "")") }
        return lines.joined(separator: "\n")
    }
}
