import CoreMetrics
import Foundation
import ImproveCore
import Prometheus

/// Writes the store's state as Prometheus text exposition for node_exporter's textfile
/// collector: gauges recorded through swift-metrics into a swift-prometheus registry, then
/// emitted into a temporary file beside the target and renamed over it, so the collector never
/// reads a half-written file.
///
/// Every figure is read from the store, not from this process, so any run's invocation (or the
/// last one of a nightly script) writes the same complete picture of every profile.
enum MetricsFile {
    /// The exposition text for the runs in `store`.
    static func exposition(store: any RunStore) async throws -> String {
        let digests = try await RunDigest.load(from: store, since: .distantPast, limit: 100_000)
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        func gauge(_ name: String, _ value: Double, _ labels: [(String, String)] = []) {
            Gauge(label: name, dimensions: labels, factory: factory).record(value)
        }

        var byVerdict: [String: Int] = ["ship": 0, "hold": 0, "reject": 0, "interrupted": 0, "failed": 0, "running": 0]
        for digest in digests { byVerdict[digest.verdict, default: 0] += 1 }
        for (verdict, count) in byVerdict.sorted(by: { $0.key < $1.key }) {
            gauge("improve_runs", Double(count), [("verdict", verdict)])
        }
        // Digests are newest first: the first of each profile is its latest run.
        var latest: [String: RunDigest] = [:]
        var lastSuccess: [String: Date] = [:]
        for digest in digests {
            if latest[digest.profile] == nil { latest[digest.profile] = digest }
            if digest.state == RunState.completed.rawValue, lastSuccess[digest.profile] == nil {
                lastSuccess[digest.profile] = digest.updatedAt
            }
        }
        for (profile, run) in latest.sorted(by: { $0.key < $1.key }) {
            let labels = [("profile", profile)]
            gauge("improve_last_run_lift", run.lift ?? 0, labels)
            gauge("improve_last_run_spend_usd", run.spendUSD, labels)
            gauge("improve_last_run_tokens", Double(run.tokens), labels)
            gauge("improve_last_run_duration_seconds", run.durationSeconds, labels)
            gauge("improve_last_run_paid_calls", Double(run.paidCalls), labels)
            gauge("improve_last_run_replayed_calls", Double(run.replayedCalls), labels)
            gauge("improve_last_run_failures", Double(run.failures), labels)
            gauge("improve_last_run_shipped", run.verdict == "ship" ? 1 : 0, labels)
            if let success = lastSuccess[profile] {
                gauge("improve_last_success_timestamp_seconds", success.timeIntervalSince1970, labels)
            }
        }
        // The format ends every line with a newline, the last one included; the collector
        // rejects a file whose last sample is cut short.
        let text = registry.emitToString()
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// Writes ``exposition(store:)`` to `path` atomically (temporary file + rename(2)).
    static func write(store: any RunStore, to path: String) async throws {
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A dot name: node_exporter reads only `*.prom`, so it never picks up the temporary file.
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        let text = try await exposition(store: store)
        do {
            try Data(text.utf8).write(to: temporary)
            guard rename(temporary.path, target.path) == 0 else {
                throw CommandLineFailure("cannot move the metrics file into place at \(target.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
