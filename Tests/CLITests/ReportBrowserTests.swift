import Foundation
import ImproveCore
import ImproveProcess
import ImproveTestSupport
import Testing

/// The report.html of a real run, opened in headless Chromium: no script errors, every chart
/// drew marks, and screenshots (light and dark) and a printed PDF are kept under
/// `.build/test-artifacts/` for people to look at.
///
/// Skips when `chromium` is not installed, unless `IMPROVE_REQUIRE_BROWSER=1` (set by
/// `scripts/test`, which installs it with `scripts/browser`).
@Suite(.serialized) struct ReportBrowserTests {
    static var chromium: String? {
        let candidates = [ProcessInfo.processInfo.environment["IMPROVE_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var isRequired: Bool { ProcessInfo.processInfo.environment["IMPROVE_REQUIRE_BROWSER"] == "1" }

    @Test(.enabled(if: chromium != nil || isRequired))
    func theRunReportLoadsWithoutErrorsAndEveryChartHasMarks() async throws {
        let browser = try #require(Self.chromium, "IMPROVE_REQUIRE_BROWSER=1 but chromium is not installed; run scripts/browser")
        let (work, outcome, _) = try await ReportCommandTests.offlineRun("sentiment", responder: ClassifierStub.formatSensitive(labels: try RunCommandTests.labels()))
        let page = URL(fileURLWithPath: try #require(outcome["report"]?.stringValue)).deletingLastPathComponent().appendingPathComponent("report.html")

        let common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(work.appendingPathComponent("chromium-profile").path)"]
        // `#sort=score` makes the page's script click a sort button, so the sorting code runs too.
        let dump = try await TimedProcess.run(common + ["--enable-logging=stderr", "--v=0", "--dump-dom", page.absoluteString + "#sort=score"], timeout: 90)
        #expect(dump.exitCode == 0, "\(dump.stderrText)")
        let dom = dump.stdoutText
        #expect(dom.contains("data-ready=\"true\""), "the page's script did not finish")
        #expect(dom.contains("data-sort-cells=\"score\" aria-pressed=\"true\""), "the sort button was not pressed")
        let scriptErrors = dom.range(of: "data-js-errors=\"").map { String(dom[$0.upperBound...].prefix(300)) }
        #expect(scriptErrors == nil, "script errors: \(scriptErrors ?? "")")
        let consoleErrors = dump.stderrText.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(consoleErrors.isEmpty, "\(consoleErrors)")
        for chart in ["intervals", "score-spend", "items", "lineage"] {
            let marks = Self.marks(in: dom, chart: chart)
            #expect(marks > 0, "chart \(chart) drew nothing")
        }

        let artifacts = Fixtures.repositoryRoot.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let screenshot = artifacts.appendingPathComponent("report-screenshot.png")
        try? FileManager.default.removeItem(at: screenshot)
        let shot = try await TimedProcess.run(common + ["--hide-scrollbars", "--window-size=1100,3000", "--screenshot=\(screenshot.path)", page.absoluteString], timeout: 90)
        #expect(shot.exitCode == 0, "\(shot.stderrText)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.count > 20_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(png.count) bytes")
        // The same page as a reader with a dark desktop sees it (prefers-color-scheme: dark).
        let dark = artifacts.appendingPathComponent("report-screenshot-dark.png")
        let darkShot = try await TimedProcess.run(common + ["--hide-scrollbars", "--force-dark-mode", "--window-size=1100,3000", "--screenshot=\(dark.path)", page.absoluteString], timeout: 90)
        #expect(darkShot.exitCode == 0, "\(darkShot.stderrText)")
        let pdf = artifacts.appendingPathComponent("report.pdf")
        try? FileManager.default.removeItem(at: pdf)
        let print = try await TimedProcess.run(common + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString], timeout: 90)
        #expect(print.exitCode == 0, "\(print.stderrText)")
        #expect((try? Data(contentsOf: pdf))?.starts(with: Array("%PDF".utf8)) == true, "no PDF printed")
        try? FileManager.default.removeItem(at: artifacts.appendingPathComponent("report.html"))
        try FileManager.default.copyItem(at: page, to: artifacts.appendingPathComponent("report.html"))
        Swift.print("report screenshots: \(screenshot.path), \(dark.path); printed: \(pdf.path)")
    }

    /// Elements with class `mark …` inside the `<svg>` named `chart`.
    static func marks(in dom: String, chart: String) -> Int {
        guard let start = dom.range(of: "data-chart=\"\(chart)\"") else { return 0 }
        let rest = dom[start.upperBound...]
        let body = rest[..<(rest.range(of: "</svg>")?.lowerBound ?? rest.endIndex)]
        return body.components(separatedBy: "class=\"mark").count - 1
    }
}
