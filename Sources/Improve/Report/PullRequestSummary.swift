import Foundation

/// A short Markdown summary of a run for a pull request: the verdict, the lift with its
/// interval, the change, the costs and where the audit record is. Short enough to paste.
public enum PullRequestSummary {
    /// Diff lines shown per component before the rest is cut.
    public static let maxDiffLines = 40

    /// The summary of `model`, ending with the audit record's path when the model names one.
    public static func markdown(_ model: ReportModel) -> String {
        var lines: [String] = []
        let decision = model.verdict.map { "**\($0.decision.uppercased())**" } ?? "**EVAL**"
        lines.append("### improve: \(decision) `\(model.profile.name)` v\(model.profile.version)" + (model.runID.map { " (\($0))" } ?? ""))
        lines.append("")
        if let verdict = model.verdict, let reason = verdict.reasons.first { lines.append(reason); lines.append("") }
        if let intervals = model.intervals, let row = intervals.rows.first(where: { $0.label.hasPrefix("winner") }) ?? intervals.rows.first {
            let minLift = intervals.minLift.map { "; minLift \(ChartNumber.fixed($0))" } ?? ""
            lines.append("- \(intervals.caption): **\(signed(row.estimate))**, interval [\(signed(row.lower)), \(signed(row.upper))] (\(row.detail)\(minLift))")
        }
        if let items = model.items, items.reference != nil {
            let counts = Dictionary(grouping: items.rows, by: \.change).mapValues(\.count)
            lines.append("- \(items.split) items: \(counts["improved"] ?? 0) improved, \(counts["regressed"] ?? 0) regressed, \(counts["same"] ?? 0) unchanged")
        }
        if let total = model.phases.last {
            let seconds = total.seconds.map { String(format: ", %.0f s", $0) } ?? ""
            lines.append("- cost: \(total.inputTokens) input + \(total.outputTokens) output tokens, \(String(format: "$%.4f", total.cost))\(seconds); models: \(model.modelsServed.isEmpty ? "none recorded" : model.modelsServed.joined(separator: ", "))")
        }
        if model.usedStubOrReplay { lines.append("- answers came from a stub or a cassette replay, not a live model") }
        for change in model.changes {
            var diff = change.diff.split(separator: "\n").map(String.init)
            if diff.count > maxDiffLines { diff = Array(diff.prefix(maxDiffLines)) + ["… \(diff.count - maxDiffLines) more lines in the full report"] }
            lines += ["", "`\(change.component)`:", "```diff"] + diff + ["```"]
        }
        lines.append("")
        if let audit = model.auditPath {
            lines.append("Audit record: `\(audit)` (check it with `improve-cli audit verify \(audit)`)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func signed(_ value: Double) -> String {
        (value > 0 ? "+" : "") + ChartNumber.fixed(value)
    }
}
