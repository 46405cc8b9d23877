import Foundation
import ImproveProcess
import Testing

/// Real children, killed for real: what the runner promises about time limits, process
/// groups, cancellation and pipes.
@Suite("Timed process")
struct TimedProcessTests {
    /// True once `pid` is gone or a zombie (killed, not yet reaped by whoever inherited it).
    /// Polls /proc for at most `seconds`: the kernel finishes a SIGKILL asynchronously.
    static func isDead(_ pid: Int32, within seconds: Double = 10) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let close = stat.range(of: ")", options: .backwards), stat[close.upperBound...].split(separator: " ").first == "Z" { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func pids(in text: String) -> [Int32] {
        text.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
    }

    @Test("input arrives, output and exit code come back, environment and directory apply")
    func roundTrip() async throws {
        let directory = FileManager.default.temporaryDirectory
        let result = try await TimedProcess.run(
            ["cat; echo \"$IMPROVE_TEST_VALUE\"; pwd; echo oops >&2; exit 3"], input: Data("hello\n".utf8), in: directory,
            environment: ["IMPROVE_TEST_VALUE": "set"], timeout: 60)
        #expect(result.exitCode == 3 && !result.timedOut)
        #expect(result.stdoutText == "hello\nset\n\(directory.resolvingSymlinksInPath().path)\n")
        #expect(result.stderrText == "oops\n")
        let argv = try await TimedProcess.run(["printf", "%s|", "a b", "c"], timeout: 60)
        #expect(argv.stdoutText == "a b|c|")
    }

    @Test("a child that never reads a large input neither stalls nor kills this process")
    func unreadInput() async throws {
        let result = try await TimedProcess.run(["exit 0"], input: Data(repeating: 65, count: 4 << 20), timeout: 60)
        #expect(result.exitCode == 0 && !result.timedOut)
    }

    @Test("the time limit SIGKILLs the whole process group and keeps what was printed", .timeLimit(.minutes(1)))
    func timeoutKillsTheGroup() async throws {
        // The shell prints its own pid and a background grandchild's, then waits on both.
        let result = try await TimedProcess.run(["sleep 600 & echo $$ $!; trap '' TERM; wait"], timeout: 1)
        #expect(result.timedOut)
        #expect(result.exitCode == 9)
        let pids = Self.pids(in: result.stdoutText)
        #expect(pids.count == 2)
        for pid in pids { #expect(await Self.isDead(pid), "pid \(pid) survived the timeout") }
    }

    @Test("cancelling the awaiting task SIGKILLs the group", .timeLimit(.minutes(1)))
    func cancellationKillsTheGroup() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("improve-pids-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let run = Task { try await TimedProcess.run(["sleep 600 & echo $$ $! > '\(pidFile.path)'; wait"], timeout: 600) }
        var pids: [Int32] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while pids.count < 2, ContinuousClock.now < deadline {
            pids = Self.pids(in: (try? String(contentsOf: pidFile, encoding: .utf8)) ?? "")
            if pids.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        }
        try #require(pids.count == 2)
        run.cancel()
        _ = await run.result
        for pid in pids { #expect(await Self.isDead(pid), "pid \(pid) survived cancellation") }
    }
}
