import ArgumentParser
import Foundation
import Improve
import ImproveCore
import ImproveHTTP
import ImprovePostgres

/// `improve-cli worker`: runs the model calls that distributed runs (`run --distributed`)
/// enqueue in a PostgreSQL store, until Ctrl-C or SIGTERM.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the model calls that distributed runs enqueue in a PostgreSQL store.",
        discussion: """
            Start any number of workers, on any machines that reach the database, then a coordinator with `improve-cli run <profile> --store postgres://… --distributed`. Each worker claims queued calls (FOR UPDATE SKIP LOCKED, under a lease), checks each against the allowed models of its run's stored policy, calls the model through its own providers.yaml and records the answer and its ledger row in one transaction. A model this worker's providers cannot serve is left to other workers. A worker killed with kill -9 loses nothing: its calls are claimed again when their lease lapses (IMPROVE_STEP_LEASE_SECONDS, default 30). The password comes from PGPASSWORD.
            """)

    @Option(help: "The PostgreSQL store: postgres://user@host:port/database (password from PGPASSWORD).")
    var store: String

    @Option(help: "providers.yaml to use (default: ./providers.yaml, then $XDG_CONFIG_HOME/improve/providers.yaml or ~/.config/improve/providers.yaml, then built-ins).")
    var providers: String?

    @Option(help: "Model calls this worker runs at once.")
    var concurrency: Int = 16

    @Option(name: .customLong("run"), help: "Serve only this run (default: every run of the store).")
    var runID: String?

    @Option(help: "This worker's id in the store (default: host-pid). Distinct workers need distinct ids.")
    var workerID: String?

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
        guard PostgresLocation.isPostgresAddress(store) else {
            throw ValidationError("--store \(store) is not a postgres://user@host:port/database address; workers serve PostgreSQL stores only")
        }
    }

    func run() async throws {
        let location = try PostgresLocation(parsing: store)
        let registry = try ProviderSearch(explicitFile: providers.map { URL(fileURLWithPath: $0) }).registry()
        let lease = ProcessInfo.processInfo.environment["IMPROVE_STEP_LEASE_SECONDS"].flatMap(Double.init) ?? 30
        let store = try await PostgresRunStore.open(location, leaseDuration: lease, connections: concurrency + 2)
        defer { store.close() }
        let id = workerID ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let worker = PostgresWorker(
            store: store, workerID: id, concurrency: concurrency, runID: runID,
            makeClient: { spec in try registry.client(for: spec) }, note: { Terminal.note($0) })
        Terminal.note("worker \(id) serving \(location)\(runID.map { " (run \($0))" } ?? "") with \(concurrency) lanes; Ctrl-C stops it")
        let working = Task { await worker.run() }
        let monitor = InterruptionMonitor()
        monitor.install { working.cancel() }
        await working.value
        Terminal.note("worker \(id) stopped after \(await worker.completedSteps()) calls")
    }
}
