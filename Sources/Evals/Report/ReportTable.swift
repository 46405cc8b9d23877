import Foundation

/// Renders an ``EvalReport`` for people.
public enum ReportTable {
    public static func render(_ report: EvalReport) -> String {
        var lines: [String] = []
        lines.append("\(report.profileName) on \(report.suiteName) [\(report.split)]  model \(report.model)  profile \(report.profileHash.prefix(12))")
        lines.append("")
        lines.append(row("metric", "value", "95% interval", "n"))
        if let overall = report.overall { lines.append(row("mean score", fmt(overall.value), interval(overall), "\(overall.n)")) }
        if let pass = report.passRate { lines.append(row("pass rate", fmt(pass.value), interval(pass), "\(pass.n)")) }
        for (name, estimate) in report.dimensions.sorted(by: { $0.key < $1.key }) {
            lines.append(row("  \(name)", fmt(estimate.value), interval(estimate), "\(estimate.n)"))
        }
        lines.append("")
        lines.append("items \(report.items.count)   infra errors \(report.infraErrors)   tokens \(report.usage.inputTokens) in / \(report.usage.outputTokens) out   cost $\(String(format: "%.4f", report.usage.cost))   wall \(String(format: "%.1f", report.wallTimeSeconds)) s")
        if !report.personas.isEmpty {
            lines.append("")
            lines.append(row("persona", "success", "pass^k (k=1..n)", "errors"))
            for persona in report.personas {
                let ks = persona.passHatK.map(fmt).joined(separator: " ")
                lines.append(row(persona.personaID, "\(persona.successes)/\(persona.trials)", ks, "sim \(persona.simulatorErrors), other \(persona.infraErrors)"))
            }
        }
        if !report.worst.isEmpty {
            lines.append("")
            lines.append("lowest scores:")
            for item in report.worst {
                lines.append("  \(item.itemID)  \(fmt(item.score))  \(TextNormal.preview(item.feedback, limit: 140))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.3f", value) }
    private static func interval(_ estimate: Estimate) -> String { "[\(fmt(estimate.low)), \(fmt(estimate.high))] \(estimate.method)" }
    private static func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        pad(a, 22) + " " + pad(b, 9) + " " + pad(c, 30) + " " + d
    }

    /// Pads to `width` without ever cutting a long value.
    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
