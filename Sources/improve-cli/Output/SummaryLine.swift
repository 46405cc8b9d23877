import Foundation
import Improve

/// The one line a run prints when standard output is not a terminal (cron mail, a log file, a pipe).
enum SummaryLine {
    static func text(_ outcome: ImproveOutcome, paidCalls: Int) -> String {
        var parts = ["\(outcome.runID) \(outcome.verdict.rawValue.uppercased())"]
        if outcome.joinedExistingRun, paidCalls == 0 { parts[0] += " (joined)" }
        if let metric = outcome.artifactMetric {
            parts.append(String(format: "%@ %.6g → %.6g", metric, outcome.baselineSearchMean, outcome.winnerSearchMean))
        } else if let winner = outcome.winnerHoldoutMean, let baseline = outcome.baselineHoldoutMean {
            parts.append(String(format: "lift %+.1f pts (holdout %.1f%% → %.1f%%)", (winner - baseline) * 100, baseline * 100, winner * 100))
        }
        parts.append("\(outcome.metricCalls) metric calls")
        parts.append("\(paidCalls) paid calls")
        parts.append("\(outcome.usage.totalTokens) tokens")
        parts.append(String(format: "$%.4f", outcome.usage.cost))
        parts.append("stopped: \(outcome.stopReason)")
        parts.append("audit: \(outcome.auditRecord)")
        parts.append("report: \(outcome.report)")
        return parts.joined(separator: " · ")
    }
}
