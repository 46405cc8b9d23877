import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `scripts/nightly` as cron runs it: twice in one window it pays once (counted at the loopback
/// model server); in the next window it starts a new run; the metrics file is Prometheus text
/// format, replaced atomically. "Now" is injected through IMPROVE_NOW (a test-only variable).
@Suite(.serialized) struct NightlyScriptTests {
    struct Nightly {
        let work: URL
        let profiles: URL
        let server: StubModelServer

        func run(at now: String, ceiling: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
            var env = [
                "IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_CLI": try CLIProcess.executable("improve-cli").path,
                "IMPROVE_NOW": now, "NIGHTLY_ARGS": "--budget 120", "IMPROVE_STORE": "store.sqlite", "NIGHTLY_OUT": "nightly",
            ]
            if let ceiling { env["NIGHTLY_SPEND_CEILING"] = ceiling }
            let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/nightly")
            let child = try FileLoggedProcess(
                executable: URL(fileURLWithPath: "/bin/bash"), [script.path, profiles.path], in: work, environment: env, label: "nightly-\(now)")
            let status = await child.wait()
            return (status, child.stdout, child.stderr)
        }
    }

    static func inode(_ url: URL) throws -> UInt64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }

    @Test(.timeLimit(.minutes(3)))
    func twiceInOneWindowPaysOnceAndTheNextWindowStartsANewRun() async throws {
        let server = try await StubModelServer.start(responder: StubModelServer.fixed("no idea"))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let profiles = profile.deletingLastPathComponent()
        let work = try Fixtures.temporaryDirectory("nightly-work")
        let nightly = Nightly(work: work, profiles: profiles, server: server)

        let first = try await nightly.run(at: "2026-11-30T02:00:00Z")
        #expect(first.status == 0, "a hold is not an error for cron: \(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("sentiment: held"), "\(first.stdout)")
        let paidFirst = server.completionRequests.count
        #expect(paidFirst > 0)
        let metrics = work.appendingPathComponent("nightly/improve.prom")
        let firstInode = try Self.inode(metrics)

        let second = try await nightly.run(at: "2026-11-30T02:30:00Z")
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(server.completionRequests.count == paidFirst, "the second firing in the window joined the first run and paid nothing")
        let joined = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: work.appendingPathComponent("nightly/sentiment.json")))
        #expect(joined["joinedExistingRun"] == true)

        let nextNight = try await nightly.run(at: "2026-12-01T02:00:00Z")
        await server.stop()
        #expect(nextNight.status == 0, "\(nextNight.stdout)\(nextNight.stderr)")
        #expect(server.completionRequests.count > paidFirst, "the next window re-validated with a new run")
        let rerun = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: work.appendingPathComponent("nightly/sentiment.json")))
        #expect(rerun["runID"] != joined["runID"])

        // Every log line the runs wrote is one JSON object.
        let log = try String(contentsOf: work.appendingPathComponent("nightly/sentiment.log"), encoding: .utf8)
        for line in log.split(separator: "\n") {
            let record = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            #expect(record["message"]?.stringValue != nil, "\(line)")
        }

        // The metrics file: Prometheus text format, replaced by rename (a new inode), no temporary left.
        let exposition = try String(contentsOf: metrics, encoding: .utf8)
        #expect(exposition.hasSuffix("\n"), "every line, the last included, ends with a newline")
        let samples = try PrometheusText.parse(exposition)
        #expect(try Self.inode(metrics) != firstInode)
        #expect(try FileManager.default.contentsOfDirectory(atPath: metrics.deletingLastPathComponent().path).allSatisfy { !$0.hasSuffix(".tmp") })
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("improve_runs", ["verdict": "hold"]) == 2)
        #expect(value("improve_runs", ["verdict": "ship"]) == 0)
        #expect(value("improve_last_run_paid_calls", ["profile": "sentiment"]).map { Int($0) } == server.completionRequests.count - paidFirst)
        #expect(value("improve_last_run_replayed_calls", ["profile": "sentiment"]) == 0)
        #expect(value("improve_last_run_failures", ["profile": "sentiment"]) == 0)
        #expect((value("improve_last_run_duration_seconds", ["profile": "sentiment"]) ?? 0) > 0)
        #expect((value("improve_last_success_timestamp_seconds", ["profile": "sentiment"]) ?? 0) > 1_700_000_000)

        let summary = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: work.appendingPathComponent("nightly/summary.json")))
        #expect(summary.arrayValue?.count == 2, "the script's JSON summary lists both runs")

        // The morning report: both runs, with verdicts and counts.
        let report = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--since", "1h", "--json"], in: work)
        #expect(report.status == 0, "\(report.stderr)")
        let digests = try JSONDecoder().decode(JSONValue.self, from: Data(report.stdout.utf8)).arrayValue ?? []
        #expect(digests.count == 2)
        #expect(digests.allSatisfy { $0["verdict"] == "hold" && $0["metricCalls"]?.doubleValue != nil && $0["paidCalls"]?.doubleValue ?? 0 > 0 })
        let table = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--since", "2026-01-01"], in: work)
        #expect(table.stdout.contains("VERDICT") && table.stdout.contains("hold"), "\(table.stdout)")
    }

    @Test(.timeLimit(.minutes(3)))
    func aRunTheCeilingStoppedIsResumedTheNextNightBeforeANewOneStarts() async throws {
        let server = try await StubModelServer.start(responder: StubModelServer.fixed("no idea"))
        let profiles = try Fixtures.copyOfProfile("sentiment").deletingLastPathComponent()
        let work = try Fixtures.temporaryDirectory("nightly-ceiling")
        let nightly = Nightly(work: work, profiles: profiles, server: server)

        let first = try await nightly.run(at: "2026-11-30T02:00:00Z", ceiling: "300tokens")
        #expect(first.status == 0, "a ceiling stop is not an error for cron: \(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("sentiment: interrupted"), "\(first.stdout)")
        let runs = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--json"], in: work)
        let stopped = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(runs.stdout.utf8)).arrayValue?.first)
        #expect(stopped["state"] == "interrupted")

        let next = try await nightly.run(at: "2026-12-01T02:00:00Z", ceiling: "100000tokens")
        await server.stop()
        #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
        let resumed = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: work.appendingPathComponent("nightly/sentiment.resumed.json")))
        #expect(resumed["runID"] == stopped["id"], "last night's run was finished, not abandoned")
        #expect(resumed["verdict"] == "hold")
        let fresh = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: work.appendingPathComponent("nightly/sentiment.json")))
        #expect(fresh["runID"] != stopped["id"], "tonight's window has its own run")
    }

    @Test(.timeLimit(.minutes(2)))
    func onAPipeOneSummaryLineAndJSONLogsWithoutSecrets() async throws {
        let secret = "sk-nightly-\(UUID().uuidString.prefix(8))"
        let server = try await StubModelServer.start(responder: StubModelServer.fixed("no idea"))
        // The secret is in the path, so every log line naming the profile would carry it unredacted.
        let base = try Fixtures.temporaryDirectory("logs").appendingPathComponent(secret)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let profile = base.appendingPathComponent("sentiment")
        try FileManager.default.copyItem(at: try Fixtures.copyOfProfile("sentiment"), to: profile)
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "NIGHTLY_API_KEY": secret]
        let result = try await CLIProcess.run(
            ["run", profile.path, "--store", "store.sqlite", "--budget", "120", "--log-format", "json"], in: base, environment: env)
        await server.stop()

        #expect(result.status == 3, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "one summary line on a pipe: \(result.stdout)")
        #expect(lines.first?.contains("HOLD") == true)
        #expect(!result.stderr.contains(secret))
        #expect(!result.stderr.contains("\u{1B}["), "no progress display on a pipe")
        let records = try result.stderr.split(separator: "\n").map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        #expect(!records.isEmpty)
        #expect(records.allSatisfy { $0["level"]?.stringValue != nil && $0["ts"]?.stringValue != nil })
        #expect(records.contains { $0["message"]?.stringValue?.contains("[REDACTED]") == true })
    }
}
