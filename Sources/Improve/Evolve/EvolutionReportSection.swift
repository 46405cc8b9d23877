import Foundation
import Generators
import ImproveCore

/// The part of `report.md` only an evolution run has: settings, the per-generation table and
/// the lineage, appended after the sections every run shares.
enum EvolutionReportSection {
    static func markdown(_ result: EvolutionResult, settings: EvolutionSettings, holdoutItems: Int) -> String {
        var lines = ["", "## Evolution", ""]
        lines.append("Population \(settings.population), \(settings.generations) generations, \(settings.elites) elite(s), tie tolerance \(settings.tieTolerance); \(result.authorCalls) author calls; the holdout slice (\(holdoutItems) items) was drawn after the last of them. Stopped: \(result.stop).")
        lines.append("")
        lines.append("| generation | size | best | mean | spread | tokens/item | author tokens | champion |")
        lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for row in result.generations {
            lines.append("| \(row.generation) | \(row.members.count) | \(f(row.best)) | \(f(row.mean)) | \(f(row.spread)) | \(String(format: "%.1f", row.tokensPerItem)) | \(row.authorTokens) | `\(row.championID.prefix(12))` \(f(row.championScore)) |")
        }
        lines.append("")
        lines.append("| generation | candidate | parent | status | search | tokens/item | rationale |")
        lines.append("| --- | --- | --- | --- | --- | --- | --- |")
        for entry in result.lineage {
            let id = entry.candidateID.isEmpty ? "–" : "`\(entry.candidateID.prefix(12))`"
            let parent = entry.parents.first.map { "`\($0.prefix(12))`" } ?? "–"
            let score = entry.searchScore.map(f) ?? "–"
            let tokens = entry.cost.map { String(format: "%.1f", $0.tokensPerItem) } ?? "–"
            let why = entry.rationale.isEmpty ? entry.note : entry.rationale
            lines.append("| \(entry.generation) | \(id) | \(parent) | \(entry.status.rawValue) | \(score) | \(tokens) | \(escape(String(why.prefix(100)))) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func f(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
