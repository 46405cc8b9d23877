import ArgumentParser
import Foundation
import Improve
import ImproveCore

/// `improve-cli report <run-id>`: the report of a finished run, as Markdown, HTML, JSON or a
/// pull-request summary.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the report of a finished run (Markdown, the path of its HTML page, its data as JSON, or a pull-request summary).",
        discussion: """
            A finished run writes report.md, report.html and report.json beside its audit.json (runs/<run-id>/ next to the profile). --format html prints the path of report.html, drawing it again from report.json when it is missing; open it in any browser, offline. --format pr prints a short Markdown summary to paste into a pull request. An unfinished run has no report: resume it first. Read-only: a missing store is reported, never created.

            Examples:
              improve-cli report run-9c34e4cab7c3                  report.md
              improve-cli report run-9c34e4cab7c3 --html           the path of report.html
              open "$(improve-cli report run-9c34e4cab7c3 --html)"
              improve-cli report run-9c34e4cab7c3 --format pr      for a pull request
              improve-cli report run-9c34e4cab7c3 --json           the stored outcome
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md, html, json, pr
    }

    @Argument(help: "The run id, as listed by `improve-cli runs`.")
    var runID: String

    @Option(help: "The store file (default: .improve/improve.sqlite under the current directory).")
    var store: String?

    @Option(help: "md (report.md), html (the path of report.html), json (the report's data), pr (a pull-request summary).")
    var format: Format = .md

    @Flag(help: "The same as --format html: print the path of report.html, writing it when missing.")
    var html = false

    @Flag(help: "Print the run's outcome (verdict, means, file paths) as JSON instead of the report.")
    var json = false

    func run() async throws {
        let store = try await StoreSchemes.cli.openReadOnly(store ?? StoreSchemes.defaultReadAddress)
        guard let run = try await store.run(id: runID) else { throw StoreError.unknownRun(id: runID, store: store.location) }
        guard run.state == .completed, let result = run.result else {
            throw ValidationError("run \(runID) is \(run.state.rawValue), so it has no report yet; finish it with `improve-cli resume \(runID)`")
        }
        if json {
            print(try (try? result.decode(as: ImproveOutcome.self)).map { try StoreAccess.json($0) } ?? StoreAccess.json(result))
            return
        }
        guard let markdown = result["report"]?.stringValue else {
            throw ValidationError("run \(runID) recorded no report file; run it again to write one")
        }
        let directory = URL(fileURLWithPath: markdown).deletingLastPathComponent()
        switch html ? Format.html : format {
        case .md:
            guard let text = try? String(contentsOfFile: markdown, encoding: .utf8) else {
                throw ValidationError("the report of run \(runID) was written to \(markdown), which cannot be read now (moved or deleted?); `improve-cli show \(runID)` still has the run's record")
            }
            print(text, terminator: "")
        case .html:
            let page = ReportFiles.page(besideMarkdown: markdown)
            if !FileManager.default.fileExists(atPath: page.path) {
                try ReportFiles.write(try model(in: directory), to: directory)
            }
            print(page.path)
        case .json:
            print(try ReportFiles.json(try model(in: directory)), terminator: "")
        case .pr:
            print(Redactor.fromEnvironment().redact(PullRequestSummary.markdown(try model(in: directory))), terminator: "")
        }
    }

    private func model(in directory: URL) throws -> ReportModel {
        guard let model = try ReportFiles.readModel(in: directory) else {
            throw ValidationError("run \(runID) has no \(ReportFiles.jsonName) in \(directory.path) (written by runs since HTML reports exist): use --format md, or run it again")
        }
        return model
    }
}
