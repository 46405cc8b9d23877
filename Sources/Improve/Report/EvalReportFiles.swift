import Evals
import Foundation
import ImproveCore

/// The files of an eval's report: report.md (the terminal table) beside report.html and report.json.
enum EvalReportFiles {
    /// Writes the three files; returns the URL of report.md.
    static func write(_ report: EvalReport, profileVersion: Int, runID: String?, to directory: URL) throws -> URL {
        let redactor = Redactor.fromEnvironment()
        try ReportFiles.write(ReportModel(eval: report, profileVersion: profileVersion, runID: runID), to: directory, redactor: redactor)
        let markdown = directory.appendingPathComponent("report.md")
        try AtomicFile.write(Data(redactor.redact("```text\n" + ReportTable.render(report) + "\n```\n").utf8), to: markdown)
        return markdown
    }
}
