import Foundation
import ImproveCore

/// Writes a report's files into a run's directory: `report.html` (the page) and `report.json`
/// (the model it was drawn from, so the page can be drawn again). Used by runs and evals, and
/// meant for any other command with a ``ReportModel`` (strategy evolution).
///
/// Every file passes through the `Redactor` first: a provider key that reached a model
/// output, a feedback text or an error message never reaches a report.
public enum ReportFiles {
    /// File name of the page.
    public static let htmlName = "report.html"
    /// File name of the model the page is drawn from.
    public static let jsonName = "report.json"

    /// Writes both files atomically; returns the page's URL.
    @discardableResult
    public static func write(_ model: ReportModel, to directory: URL, redactor: Redactor = .fromEnvironment()) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let html = directory.appendingPathComponent(htmlName)
        try AtomicFile.write(Data(redactor.redact(HTMLReport.render(model)).utf8), to: html)
        try AtomicFile.write(Data(redactor.redact(try json(model)).utf8), to: directory.appendingPathComponent(jsonName))
        return html
    }

    /// The page that belongs beside a run's `report.md` (whether or not it exists).
    public static func page(besideMarkdown markdown: String) -> URL {
        URL(fileURLWithPath: markdown).deletingLastPathComponent().appendingPathComponent(htmlName)
    }

    /// Reads `report.json` back from a run's directory (nil when it is not there).
    public static func readModel(in directory: URL) throws -> ReportModel? {
        let url = directory.appendingPathComponent(jsonName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(ReportModel.self, from: data)
        } catch {
            throw ReportFileError(file: url.path, problem: "is not a report model this version can read (\(error)); run the command again to write it anew")
        }
    }

    /// Pretty, key-sorted JSON of the model.
    public static func json(_ model: ReportModel) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(model), as: UTF8.self) + "\n"
    }
}

/// A report file that exists but cannot be read.
public struct ReportFileError: Error, CustomStringConvertible {
    /// The file that could not be read.
    public var file: String
    /// What is wrong with it and what to do.
    public var problem: String
    /// The file and the problem, as one message.
    public var description: String { "\(file) \(problem)" }
}
