import ArgumentParser
import Foundation
import Improve
import ImproveCore

/// `improve-cli report <run-id>`: the human-readable report of a finished run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the report of a finished run (its report.md), or say why there is none yet.",
        discussion: """
            A finished run's outcome in the store names its report.md, audit.json and, on ship, the written version; this prints the report. An unfinished run has no report: resume it first. Read-only: a missing store is reported, never created.

            Examples:
              improve-cli report run-9c34e4cab7c3
              improve-cli report run-9c34e4cab7c3 --json      the stored outcome
            """)

    @Argument(help: "The run id, as listed by `improve-cli runs`.")
    var runID: String

    @Option(help: "The store file (default: .improve/improve.sqlite under the current directory).")
    var store: String?

    @Flag(help: "Print the run's outcome (verdict, means, file paths) as JSON instead of the report.")
    var json = false

    func run() throws {
        let store = try StoreAccess.openReadOnly(store)
        guard let run = try store.run(id: runID) else { throw StoreError.unknownRun(id: runID, store: store.location) }
        guard run.state == .completed, let result = run.result else {
            throw ValidationError("run \(runID) is \(run.state.rawValue), so it has no report yet; finish it with `improve-cli resume \(runID)`")
        }
        let outcome = try result.decode(as: ImproveOutcome.self)
        if json {
            print(try StoreAccess.json(outcome))
            return
        }
        guard let text = try? String(contentsOfFile: outcome.report, encoding: .utf8) else {
            throw ValidationError("the report of run \(runID) was written to \(outcome.report), which cannot be read now (moved or deleted?); `improve-cli show \(runID)` still has the run's record")
        }
        print(text, terminator: "")
    }
}
