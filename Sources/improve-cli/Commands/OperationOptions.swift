import ArgumentParser
import Foundation
import ImproveCore

/// Options for unattended runs (cron, CI), shared by `run` and `resume`.
struct OperationOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "When another process is improving this profile with this store, wait for it instead of exiting 7.",
        discussion: "Without --wait the second process exits at once with code 7 and names the holder (pid, host, run id, since when)."))
    var wait = false

    @Option(name: .long, help: ArgumentHelp("Wait at most this many seconds for the profile's lock (implies --wait).", valueName: "seconds"))
    var waitTimeout: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Stop before the paid call that would go past this spend, counted over every run of the store in --spend-window: 5usd, 20000tokens or 300calls (overrides spendCeiling in policy.yaml).",
        discussion: "A run stopped by the ceiling exits 5 (interrupted) and resumes with the same command once the window has room or the ceiling is raised; no completed call is paid again. The local model costs $0, so bound it in tokens or calls.",
        valueName: "limit"))
    var spendCeiling: SpendCeiling?

    @Option(name: .long, help: ArgumentHelp("The rolling window of --spend-ceiling: 90m, 24h, 7d (default: policy.yaml's, else 24h).", valueName: "duration"))
    var spendWindow: String?

    @Option(name: .long, help: ArgumentHelp(
        "After the run, write Prometheus text format for node_exporter's textfile collector to this file (atomically replaced).",
        valueName: "path"))
    var metricsFile: String?

    @Option(name: .long, help: "Standard error format: text (lines for people) or json (one JSON object per line, for log shippers).")
    var logFormat: LogFormat = .text

    func validate() throws {
        if let waitTimeout, waitTimeout < 0 { throw ValidationError("--wait-timeout must be 0 or more seconds") }
        if let spendWindow, TimeSpan.seconds(spendWindow) == nil {
            throw ValidationError("--spend-window \(spendWindow) is not a duration; write a number and a unit: 90m, 24h, 7d")
        }
    }

    /// The ceiling in force: these options over `policy.yaml`'s `spendCeiling`, or nil.
    func spendCeiling(policy: SpendCeilingSetting?) -> SpendCeilingSetting? {
        guard let ceiling = spendCeiling ?? policy?.ceiling else { return nil }
        let window = spendWindow ?? policy?.window ?? "24h"
        return SpendCeilingSetting(ceiling: ceiling, window: window, windowSeconds: TimeSpan.seconds(window) ?? 86400)
    }

    /// Seconds to wait for the profile lock: nil fails at once, `.infinity` waits for as long as it takes.
    var lockWait: Double? {
        if let waitTimeout { return waitTimeout }
        return wait ? .infinity : nil
    }
}

extension SpendCeiling: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
