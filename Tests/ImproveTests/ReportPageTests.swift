import Foundation
import Improve
import ImproveCore
import Testing

/// The HTML page and the pull-request summary drawn from a report model.
struct ReportPageTests {
    static func model(personas: PersonaSection? = nil) -> ReportModel {
        var model = ReportModel(kind: "run", title: "improve run run-test", runID: "run-test", profile: ProfileLine(name: "sentiment", version: 1, hash: "abc123def4567890", generator: "prompt-evolution", seed: 1))
        model.verdict = Verdict(decision: "ship", reasons: ["The lift is real."], checks: [Verdict.Check(name: "significantLift", status: "pass", detail: "lower bound 0.12 > 0.05")])
        model.intervals = IntervalSection(caption: "holdout lift", minLift: 0.05, showZero: true, rows: [IntervalRow(label: "winner c", estimate: 0.3, lower: 0.12, upper: 0.46, status: "pass", detail: "exactMcNemar")])
        model.candidates = ReportChartTests.candidates
        model.rejected = ReportChartTests.rejected
        model.items = ItemSection(split: "holdout", reference: "baseline", comparison: "winner", rows: [ItemRow(itemID: "a", reference: 0, score: 1), ItemRow(itemID: "b", reference: 1, score: 0), ItemRow(itemID: "c", reference: 1, score: 1)])
        model.changes = [ComponentChange(component: "systemPrompt", before: "Classify.", after: "Classify. Answer in one word.", diff: "--- a\n+++ b\n@@ -1 +1 @@\n-Classify.\n+Classify. Answer in one word.")]
        model.phases = [PhaseCost(phase: "search", inputTokens: 10, outputTokens: 5, cost: 0.001, seconds: 1.5), PhaseCost(phase: "total", inputTokens: 10, outputTokens: 5, cost: 0.001, seconds: 1.5)]
        model.modelsServed = ["smollm2"]
        model.files = [NamedFile(role: "audit", path: "/tmp/runs/run-test/audit.json")]
        model.personas = personas
        return model
    }

    @Test func thePageIsSelfContainedAndDrawsEverySectionWithData() {
        let page = HTMLReport.render(Self.model())
        for chart in ["intervals", "score-spend", "items", "lineage"] { #expect(page.contains("data-chart=\"\(chart)\""), "\(chart)") }
        for section in ["verdict", "search", "items", "lineage", "change", "costs"] { #expect(page.contains("<section id=\"\(section)\""), "\(section)") }
        #expect(!page.contains("<section id=\"personas\""))
        // Nothing is fetched: the only URL is the SVG namespace.
        let urls = page.components(separatedBy: "://").dropFirst().map { String($0.prefix(20)) }
        #expect(!urls.isEmpty && urls.allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") }, "\(urls)")
        #expect(!page.contains(" src="))
        #expect(page.contains("prefers-color-scheme:dark"))
        #expect(page.contains("@media print"))
        #expect(page == HTMLReport.render(Self.model()))
    }

    @Test func personasAndFailedTranscriptsAppearOnlyWithPersonaData() throws {
        let trace = { (text: String) in RolloutTrace(messages: [ChatMessage(role: .user, content: "I need a refund"), ChatMessage(role: .assistant, content: text)], output: text, usage: .zero, servedModel: "m", latencyMs: 0, source: "persona") }
        let results = [
            ItemResult(itemID: "angry#0", score: 1, passed: true, trace: trace("Sure.")),
            ItemResult(itemID: "angry#1", score: 0, passed: false, feedback: "never said refund", trace: trace("No <way>.")),
            ItemResult(itemID: "calm#0", score: 1, passed: true, trace: trace("Done.")),
            ItemResult(itemID: "plain-item", score: 1),
        ]
        let section = try #require(PersonaSection(results: results))
        #expect(section.rows.map(\.personaID) == ["angry", "calm"])
        #expect(section.rows[0].passHatK == [0.5, 0])
        #expect(section.failedTrials.map(\.trialID) == ["angry#1"])
        #expect(PersonaSection(results: [ItemResult(itemID: "plain", score: 1)]) == nil)
        let baseline = [ItemResult(itemID: "angry#0", score: 0, passed: false, trace: trace("No.")), ItemResult(itemID: "angry#1", score: 0, passed: false, trace: trace("No."))]
        let compared = try #require(PersonaSection(results: results, reference: baseline))
        #expect(compared.rows[0].referencePassHatK == [0, 0])
        #expect(compared.rows[1].referencePassHatK == nil, "no baseline trials for calm")
        #expect(HTMLReport.render(Self.model(personas: compared)).contains("0.00 → 0.50"))

        let page = HTMLReport.render(Self.model(personas: section))
        #expect(page.contains("<section id=\"personas\""))
        #expect(page.contains("pass^2"))
        #expect(page.contains("No &lt;way&gt;."))
    }

    @Test func thePullRequestSummaryIsShortAndNamesTheAuditRecord() {
        let summary = PullRequestSummary.markdown(Self.model())
        #expect(summary.contains("**SHIP**"))
        #expect(summary.contains("+0.300"))
        #expect(summary.contains("[+0.120, +0.460]"))
        #expect(summary.contains("```diff"))
        #expect(summary.contains("improve-cli audit verify /tmp/runs/run-test/audit.json"))
        #expect(summary.split(separator: "\n").count < 30)
    }

    @Test func reportFilesRedactSecretsAndReadBack() throws {
        var model = Self.model()
        model.notes = ["the provider said: bad key sk-canary-0123456789"]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try ReportFiles.write(model, to: directory, redactor: Redactor(secrets: ["sk-canary-0123456789"]))
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("sk-canary"))
        #expect(html.contains("[REDACTED]"))
        let back = try #require(try ReportFiles.readModel(in: directory))
        #expect(back.notes == ["the provider said: bad key [REDACTED]"])
        #expect(back.candidates == model.candidates)
    }
}
