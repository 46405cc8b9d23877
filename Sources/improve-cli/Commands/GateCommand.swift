import ArgumentParser
import Foundation
import Improve
import ImproveCore

struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Decide ship / hold / reject for a candidate's eval report against a baseline's.",
        discussion: """
            Pairs the two reports item by item (both must cover the same items), then applies the promotion gate: exact McNemar test for pass/fail scores, paired bootstrap for continuous ones; ship only when the lower confidence bound clears --min-lift and p < alpha, plus minimum pairs, per-dimension no-regression and cost/latency ceilings from the policy. Reports are JSON objects with a top-level "items" array of {itemID, score, ...}, as written by `improve-cli eval --json`.

            Exit codes: 0 ship, 3 hold (not shown better, or a check could not be evaluated), 4 reject (significantly worse, or a cost/latency ceiling exceeded), 1 error.
            """
    )

    @Argument(help: "The baseline's eval report (JSON).")
    var baselineReport: String

    @Argument(help: "The candidate's eval report (JSON).")
    var candidateReport: String

    @Option(name: .long, help: "A policy.yaml whose `gate:` settings apply (defaults otherwise).")
    var policy: String?

    @Option(name: .customLong("min-lift"), help: "Override gate.minLift: the lower confidence bound must exceed this (score units, 0–1).")
    var minLift: Double?

    @Flag(name: .long, help: "Print the verdict as JSON on standard output.")
    var json = false

    func run() async throws {
        var settings = GateSettings()
        if let policy {
            settings = try PolicyLoader.load(contentsOf: URL(fileURLWithPath: policy)).gate
        }
        if let minLift {
            guard (-1...1).contains(minLift) else { throw ValidationError("--min-lift must be between -1 and 1 (score units), got \(minLift)") }
            settings.minLift = minLift
        }
        let baseline = try EvalReportInput.load(contentsOf: URL(fileURLWithPath: baselineReport))
        let candidate = try EvalReportInput.load(contentsOf: URL(fileURLWithPath: candidateReport))
        let candidateID = URL(fileURLWithPath: candidateReport).deletingPathExtension().lastPathComponent
        let verdict = PromotionGate.evaluate(baseline: baseline, finalists: [GateFinalist(id: candidateID, holdout: candidate)], settings: settings)
        if json {
            try Terminal.printJSON(verdict)
        } else {
            print(Self.render(verdict, preflight: PromotionGate.preflight(holdoutPairs: baseline.count, settings: settings)))
        }
        switch verdict.decision {
        case .ship: return
        case .hold: throw ExitStatus.held
        case .reject: throw ExitStatus.rejected
        }
    }

    static func render(_ verdict: GateVerdict, preflight: PowerPreflight) -> String {
        var lines: [String] = []
        if let s = verdict.winner?.statistics {
            let percent = Int((s.interval.confidence * 100).rounded())
            lines.append("method      \(s.method.rawValue)\(s.method == .pairedBootstrap ? " (seed \(s.seed), \(s.resamples) resamples)" : "")")
            lines.append("pairs       \(s.pairs)   improved \(s.improved)   regressed \(s.regressed)")
            lines.append(String(format: "baseline    %.4f", s.meanBaseline))
            lines.append(String(format: "candidate   %.4f", s.meanCandidate))
            lines.append(String(format: "lift        %+.4f   %d%% interval [%.4f, %.4f]", s.lift, percent, s.interval.lower, s.interval.upper))
            lines.append(String(format: "p (one-sided, better)  %.4g   adjusted %.4g", s.pValue, s.adjustedPValue))
            lines.append("")
        }
        for check in verdict.checks {
            let mark: String
            switch check.status {
            case .pass: mark = "pass"
            case .fail: mark = "FAIL"
            case .notEvaluated: mark = "n/e "
            case .skipped: mark = "skip"
            }
            lines.append("  [\(mark)] \(check.name.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(check.detail)")
        }
        lines.append("")
        for warning in preflight.warnings { lines.append("note: \(warning)") }
        lines.append("verdict: \(verdict.decision.rawValue.uppercased())")
        lines += verdict.reasons.map { "  \($0)" }
        return lines.joined(separator: "\n")
    }
}
