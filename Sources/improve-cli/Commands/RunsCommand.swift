import ArgumentParser
import Foundation
import ImproveCore

/// `improve-cli runs`: the runs recorded in a store, newest first.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs recorded in a store, newest first.",
        discussion: """
            Read-only: a missing store is reported, never created.

            With --since (a duration back from now such as 24h or 7d, an ISO-8601 instant, or a date such as 2026-11-30), the morning report: each run updated since then with its verdict, holdout lift, spend, duration, metric calls, paid and replayed calls and failures.
            """)

    @Option(help: "The store file (default: .improve/improve.sqlite under the current directory).")
    var store: String?

    @Option(help: "Show at most this many runs.")
    var limit: Int = 20

    @Option(help: ArgumentHelp("Only runs updated since then, with verdict, lift, spend, duration, calls and failures.", valueName: "date|duration"))
    var since: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        if let since, TimeSpan.start(since, now: Date()) == nil {
            throw ValidationError("--since \(since) is neither a duration (24h, 7d, 90m) nor a date (2026-11-30) nor an ISO-8601 instant")
        }
    }

    func run() async throws {
        let store = try await StoreSchemes.cli.openReadOnly(store ?? StoreSchemes.defaultReadAddress)
        if let since {
            try await report(store, since: TimeSpan.start(since, now: try WallClock.now()) ?? .distantPast)
            return
        }
        let runs = try await store.listRuns(limit: limit)
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

    private func report(_ store: any RunStore, since start: Date) async throws {
        let digests = try await RunDigest.load(from: store, since: start, limit: limit)
        if json {
            print(try StoreAccess.json(digests))
            return
        }
        guard !digests.isEmpty else {
            print("no runs in \(store.location) since \(StoreAccess.timestamp(start))")
            return
        }
        var rows = [["ID", "PROFILE", "VERDICT", "LIFT", "COST", "TOKENS", "DURATION", "METRIC CALLS", "PAID", "REPLAYED", "FAILURES", "UPDATED"]]
        for run in digests {
            rows.append([
                run.id, run.profile, run.verdict, run.lift.map { String(format: "%+.1f pts", $0 * 100) } ?? "–",
                StoreAccess.cost(run.spendUSD), String(run.tokens), String(format: "%.1f s", run.durationSeconds),
                run.metricCalls.map(String.init) ?? "–", String(run.paidCalls), String(run.replayedCalls), String(run.failures),
                StoreAccess.timestamp(run.updatedAt),
            ])
        }
        print(StoreAccess.table(rows))
    }
}
