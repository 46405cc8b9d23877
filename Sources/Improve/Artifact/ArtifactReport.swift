import Foundation
import Generators
import ImproveCore

/// The human-readable report of an autoresearch run.
enum ArtifactReport {
    static func markdown(_ record: ArtifactAuditRecord, writtenFile: String?, attemptsLog: String, auditPath: String) -> String {
        let better = record.direction == .minimise ? "lower" : "higher"
        var lines = [
            "# improve: \(record.profileName) (\(record.file))", "",
            "**Verdict: \(record.verdict.rawValue.uppercased())**", "",
        ]
        lines += record.reasons.map { "- \($0)" }
        lines += [
            "",
            "| | value |", "| --- | --- |",
            "| run | `\(record.runID)` |",
            "| experiment | `\(record.command)` (\(better) is better) |",
            "| baseline | \(fmt(record.baselineMetric)) (noise \(fmt(record.noise)) over \(record.attempts.filter { $0.number == 0 }.count) runs) |",
            "| threshold | \(fmt(record.threshold)) = max(2 × noise, minDelta \(fmt(record.minDelta))) |",
            "| best | \(fmt(record.bestMetric)) |",
            "| proposals | \(record.space.map { "the model, and the \($0) search space" } ?? "the model only (free-text file)") |",
            "| model calls | \(record.usage.inputTokens) in / \(record.usage.outputTokens) out tokens, models \(record.modelsServed.joined(separator: ", ")) |",
            "| written | \(writtenFile ?? "nothing (held)") |",
            "| attempts log | \(attemptsLog) |",
            "| audit | \(auditPath) |",
        ]
        if let branch = record.branch { lines.append("| git | \(record.commits.count) commit(s) on `\(branch)` |") }
        if record.usedStubOrReplay { lines += ["", "_Answers came from a stub or a replay cassette, not a live model._"] }
        lines += ["", "## Attempts", "", "| # | metric | status | description |", "| --- | --- | --- | --- |"]
        for attempt in record.attempts {
            let description = attempt.description.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            lines.append("| \(attempt.number) | \(attempt.metric.map(fmt) ?? "–") | \(attempt.status.rawValue) | \(description) |")
        }
        if !record.diff.isEmpty { lines += ["", "## Kept change", "", "```diff", record.diff.trimmingCharacters(in: .newlines), "```"] }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func fmt(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.4g", value)
    }
}
