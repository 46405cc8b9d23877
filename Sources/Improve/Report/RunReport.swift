import Foundation
import Generators
import ImproveCore

/// The human-readable report of a run (Markdown): verdict, figures, gate checks, the change,
/// and every proposal with why it was kept or dropped.
enum RunReport {
    static func markdown(_ doc: RunDocument, auditPath: String) -> String {
        let decision = doc.holdout.decision
        let baselineHoldout = mean(doc.holdout.baselineHoldout)
        var lines: [String] = []
        lines.append("# improve run \(doc.runID): \(decision.decision.rawValue.uppercased())")
        lines.append("")
        lines.append("Profile `\(doc.inputs.profile.name)` v\(doc.inputs.profile.version) (`\(doc.inputs.profile.contentHash.prefix(12))`), generator `\(doc.generator)`, seed \(doc.seed).")
        if doc.isStubOrReplay { lines.append("**Model answers came from a stub or a cassette replay, not a live model.**") }
        lines.append("")
        for reason in decision.reasons { lines.append("- \(reason)") }
        lines.append("")
        lines.append("| | search (validation) | holdout |")
        lines.append("| --- | --- | --- |")
        lines.append("| baseline | \(format(doc.holdout.baseline.meanScore)) | \(format(baselineHoldout)) (n=\(doc.holdout.baselineHoldout.count)) |")
        if let winner = doc.winner {
            lines.append("| winner `\(winner.candidate.id.prefix(12))` | \(format(winner.candidate.meanScore)) | \(format(mean(winner.holdout))) (n=\(winner.holdout.count)) |")
        }
        lines.append("")
        if !decision.checks.isEmpty {
            lines.append("## Gate checks")
            lines.append("")
            lines.append("| check | status | detail |")
            lines.append("| --- | --- | --- |")
            for check in decision.checks { lines.append("| \(check.name.rawValue) | \(check.status.rawValue) | \(escape(check.detail)) |") }
            lines.append("")
        }
        lines += personaLines(doc)
        if let winner = doc.winner {
            lines.append("## The change (\(winner.candidate.candidate.generator))")
            lines.append("")
            if !winner.candidate.candidate.rationale.isEmpty { lines.append("Rationale: \(escape(winner.candidate.candidate.rationale))"); lines.append("") }
            let old = doc.holdout.baseline.candidate.components
            for name in winner.candidate.candidate.components.keys.sorted() where old[name] != winner.candidate.candidate.components[name] {
                lines.append("`\(name)` before:")
                lines.append(fenced(old[name] ?? ""))
                lines.append("`\(name)` after:")
                lines.append(fenced(winner.candidate.candidate.components[name] ?? ""))
            }
        }
        if let written = doc.writtenProfile { lines.append("New profile version written to `\(written)`."); lines.append("") }
        lines.append("## Search")
        lines.append("")
        let accepted = doc.search.proposals.filter(\.accepted).count
        lines.append("\(doc.search.proposals.count) proposals, \(accepted) accepted, \(doc.search.pool.count) candidates scored; stopped: \(doc.search.stop). Spent \(doc.search.spend.metricCalls) search metric calls, \(doc.search.spend.usage.totalTokens) tokens, $\(format(doc.search.spend.usage.cost, digits: 4)).")
        lines.append("")
        lines.append("| # | generator | component | parent → child (minibatch) | kept | why |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for p in doc.search.proposals {
            let scores = "\(format(p.parentScores.reduce(0, +), digits: 1)) → \(p.childScores.isEmpty ? "–" : format(p.childScores.reduce(0, +), digits: 1))"
            lines.append("| \(p.iteration) | \(p.generator) | \(p.component) | \(scores) | \(p.accepted ? "yes" : "no") | \(escape(String(p.reason.prefix(120)))) |")
        }
        lines.append("")
        lines.append("Audit record: `\(auditPath)` (verify with `improve-cli audit verify \(auditPath)`).")
        return lines.joined(separator: "\n") + "\n"
    }

    /// pass^k per persona for baseline and winner, and the trials the gate left out.
    static func personaLines(_ doc: RunDocument) -> [String] {
        guard !doc.personas.isEmpty else { return [] }
        var lines = ["## Personas (pass^k for k = 1, 2, ...)", ""]
        lines.append("| persona | split | baseline | winner | trials passed (baseline → winner) | simulator / infra errors |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for entry in doc.personas {
            let passed = "\(entry.baseline.successes)/\(entry.baseline.trials) → " + (entry.winner.map { "\($0.successes)/\($0.trials)" } ?? "–")
            let errors = "\(entry.baseline.simulatorErrors + (entry.winner?.simulatorErrors ?? 0)) / \(entry.baseline.infraErrors + (entry.winner?.infraErrors ?? 0))"
            lines.append("| \(escape(entry.personaID)) | \(entry.split) | \(PersonaPassRates.format(entry.baseline)) | \(PersonaPassRates.format(entry.winner)) | \(passed) | \(errors) |")
        }
        lines.append("")
        let excluded = doc.holdout.excluded
        if excluded.trials > 0 {
            lines.append("\(excluded.excluded.count) of \(excluded.trials) holdout persona trials were excluded from the gate's pairs (\(excluded.simulatorErrors) simulator and \(excluded.infraErrors) agent or judge failures).")
            lines.append("")
        }
        return lines
    }

    static func mean(_ results: [ItemResult]) -> Double {
        results.isEmpty ? 0 : results.reduce(0) { $0 + $1.score } / Double(results.count)
    }

    static func format(_ value: Double, digits: Int = 3) -> String {
        String(format: "%.\(digits)f", value)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    private static func fenced(_ text: String) -> String {
        "```text\n\(text)\n```\n"
    }
}
