import ArgumentParser
import Foundation
import ImproveCore

/// `improve-cli runs`: the runs recorded in a store, newest first.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs recorded in a store, newest first.",
        discussion: "Read-only: a missing store is reported, never created.")

    @Option(help: "The store file (default: .improve/improve.sqlite under the current directory).")
    var store: String?

    @Option(help: "Show at most this many runs.")
    var limit: Int = 20

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let store = try StoreAccess.openReadOnly(store)
        let runs = try store.listRuns(limit: limit)
        if json {
            print(try StoreAccess.json(runs))
            return
        }
        guard !runs.isEmpty else {
            print("no runs in \(store.location)")
            return
        }
        var rows = [["ID", "STATE", "PROFILE", "SURFACE/GENERATOR", "PAID STEPS", "TOKENS", "COST", "UPDATED"]]
        for run in runs {
            rows.append([
                run.id, run.state.rawValue, run.spec.profileName, "\(run.spec.surface)/\(run.spec.generator)",
                String(run.paidSteps), String(run.spent.totalTokens), StoreAccess.cost(run.spent.cost),
                StoreAccess.timestamp(run.updatedAt),
            ])
        }
        print(StoreAccess.table(rows))
    }
}
