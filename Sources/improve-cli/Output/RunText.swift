import Foundation
import Improve
import ImproveCore

/// A run's stored result and events as lines a person reads on a terminal (`improve-cli show`);
/// the raw JSON stays behind `--json`.
enum RunText {
    /// The result of a finished run: the outcome of `improve` when it is one, else its fields.
    static func result(_ result: JSONValue) -> [String] {
        guard let outcome = try? result.decode(as: ImproveOutcome.self) else { return fields(result) }
        var lines = ["verdict    \(outcome.verdict.rawValue.uppercased())"]
        lines += outcome.reasons.map { "           \($0)" }
        let unit = outcome.artifactMetric ?? "mean score"
        lines.append("baseline   \(number(outcome.baselineSearchMean)) search" + (outcome.baselineHoldoutMean.map { ", \(number($0)) holdout" } ?? "") + " (\(unit))")
        if outcome.winnerID != outcome.baselineID {
            lines.append("winner     \(number(outcome.winnerSearchMean)) search" + (outcome.winnerHoldoutMean.map { ", \(number($0)) holdout" } ?? "") + "  \(outcome.winnerID.prefix(12))")
        }
        lines.append("search     \(outcome.proposals) proposals, \(outcome.candidates) candidates, \(outcome.metricCalls) metric calls, \(outcome.usage.inputTokens + outcome.usage.outputTokens) tokens, \(StoreAccess.cost(outcome.usage.cost))")
        lines.append("stopped    \(outcome.stopReason)")
        lines.append("report     \(outcome.report)")
        let page = ReportFiles.page(besideMarkdown: outcome.report)
        if FileManager.default.fileExists(atPath: page.path) { lines.append("html       \(page.path)") }
        lines.append("audit      \(outcome.auditRecord)")
        if let written = outcome.writtenProfile { lines.append("written    \(written)") }
        return lines
    }

    /// One event on one line.
    static func event(kind: RunEventKind, payload: JSONValue) -> String {
        switch kind {
        case .baseline:
            return "baseline \(short(payload["candidate"])) scored \(payload["mean"]?.doubleValue.map(number) ?? "?") on search"
        case .proposal:
            let iteration = payload["iteration"]?.doubleValue.map { String(Int($0)) } ?? "?"
            let generator = payload["generator"]?.stringValue.flatMap { $0.isEmpty ? nil : " by \($0)" } ?? ""
            let kept = payload["accepted"]?.boolValue == true ? "kept" : payload["child"]?.stringValue == nil ? "nothing proposed" : "dropped"
            let calls = payload["metricCalls"]?.doubleValue.map { Int($0) == 1 ? " (1 metric call)" : " (\(Int($0)) metric calls)" } ?? ""
            return "proposal #\(iteration)\(generator) on \(payload["component"]?.stringValue ?? "?"): \(kept), \(preview(payload["reason"]?.stringValue ?? ""))\(calls)"
        case .searchStopped:
            let calls = payload["spend"]?["metricCalls"]?.doubleValue.map { " after \(Int($0)) metric calls" } ?? ""
            return "search stopped\(calls): \(payload["reason"]?.stringValue ?? "?")"
        case .gate:
            guard let verdict = try? payload.decode(as: GateVerdict.self) else { return "gate " + fields(payload).joined(separator: ", ") }
            var line = "gate \(verdict.decision.rawValue.uppercased())"
            if let stats = verdict.winner?.statistics {
                line += ", lift \(number(stats.lift)) [\(number(stats.interval.lower)), \(number(stats.interval.upper))] on \(stats.pairs) pairs"
            }
            let failing = verdict.checks.filter { $0.status == .fail || $0.status == .notEvaluated }.map { "\($0.name.rawValue) \($0.status.rawValue)" }
            let passing = verdict.checks.filter { $0.status == .pass }.count
            return line + "; \(passing) checks pass" + (failing.isEmpty ? "" : ", " + failing.joined(separator: ", "))
        default:
            return kind.rawValue + " " + fields(payload).joined(separator: ", ")
        }
    }

    /// `key value` lines for any JSON: nested objects as dotted keys, arrays by count.
    static func fields(_ value: JSONValue, prefix: String = "") -> [String] {
        switch value {
        case .object(let members):
            return members.keys.sorted().flatMap { key in fields(members[key] ?? .null, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
        case .array(let elements):
            let scalars = elements.compactMap(scalar)
            let shown = scalars.count == elements.count && elements.count <= 6 ? scalars.joined(separator: " ") : "\(elements.count) entries"
            return [prefix.isEmpty ? shown : "\(prefix) \(shown)"]
        default:
            let text = scalar(value) ?? ""
            return [prefix.isEmpty ? text : "\(prefix) \(text)"]
        }
    }

    private static func scalar(_ value: JSONValue) -> String? {
        switch value {
        case .null: return "none"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : self.number(number)
        case .string(let text): return preview(text)
        case .array, .object: return nil
        }
    }

    private static func number(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    private static func short(_ value: JSONValue?) -> String {
        String((value?.stringValue ?? "?").prefix(12))
    }

    /// `text` on one line, cut to `limit` characters with an ellipsis.
    static func preview(_ text: String, limit: Int = 100) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }
}
