import Foundation
import ImproveCore
import ImproveTestSupport

/// Holds every completion request at the stub until `open()`, and lets a test await the first
/// arrival: "the first run is inside a paid call (so it holds the profile lock)" as an event.
final class RequestGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false
    private var arrivals = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// `responder`, answered only once the gate is open.
    func holding(_ responder: @escaping StubModelServer.Responder) -> StubModelServer.Responder {
        { request in
            self.arrive()
            self.condition.lock()
            while !self.isOpen { self.condition.wait() }
            self.condition.unlock()
            return responder(request)
        }
    }

    /// Lets ``firstArrival()`` return without an arrival (the child exited early).
    func abandon() { arrive(counting: false) }

    /// Returns once at least one request has arrived (or ``abandon()`` was called).
    func firstArrival() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            let already = arrivals > 0
            if !already { waiters.append(continuation) }
            condition.unlock()
            if already { continuation.resume() }
        }
    }

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }

    private func arrive(counting: Bool = true) {
        condition.lock()
        if counting { arrivals += 1 }
        let ready = waiters
        waiters = []
        condition.unlock()
        ready.forEach { $0.resume() }
    }
}

/// A child process whose output goes to files, so a test can watch its standard error while it
/// runs (a pipe is only read at the end).
struct FileLoggedProcess: @unchecked Sendable {
    let process = Process()
    let stdoutFile: URL
    let stderrFile: URL

    init(
        executable: URL, _ arguments: [String], in directory: URL, environment: [String: String], label: String,
        onExit: (@Sendable () -> Void)? = nil
    ) throws {
        stdoutFile = directory.appendingPathComponent("\(label).stdout")
        stderrFile = directory.appendingPathComponent("\(label).stderr")
        try Data().write(to: stdoutFile)
        try Data().write(to: stderrFile)
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardInput = FileHandle.nullDevice
        if let onExit { process.terminationHandler = { _ in onExit() } }
        try process.run()
    }

    var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits for exit off the cooperative pool and returns the exit status.
    func wait() async -> Int32 {
        await offCooperativePool {
            self.process.waitUntilExit()
            return self.process.terminationStatus
        }
    }

    /// Returns once standard error contains `text`, or throws after `seconds`. The child's
    /// progress has no callback across processes; its log file is the observable state.
    func waitForStderr(containing text: String, seconds: Double = 60) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        while !stderr.contains(text) {
            guard process.isRunning, clock.now < deadline else {
                throw Missing(text: text, stderr: stderr)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A child process ended, or took too long, without writing what a test waited for.
struct Missing: Error, CustomStringConvertible {
    var text: String
    var stderr: String
    var description: String { "the child never wrote \"\(text)\"; stderr: \(stderr)" }
}

/// A strict reader of the Prometheus text exposition format (version 0.0.4): every line is a
/// `# HELP` / `# TYPE` comment or `name{label="value",...} number`; returns samples by name.
enum PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "not Prometheus text format: \(line)" }
    }

    static func parse(_ text: String) throws -> [Sample] {
        let name = #/[a-zA-Z_:][a-zA-Z0-9_:]*/#
        let comment = #/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]*( .*)?$/#
        let sampleLine = #/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)( \d+)?$/#
        let label = #/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/#
        var samples: [Sample] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                guard line.wholeMatch(of: comment) != nil else { throw Malformed(line: String(line)) }
                continue
            }
            guard let match = line.wholeMatch(of: sampleLine), line.prefixMatch(of: name) != nil,
                let value = Double(match.output.3) ?? (match.output.3 == "+Inf" ? .infinity : nil)
            else { throw Malformed(line: String(line)) }
            var labels: [String: String] = [:]
            if let block = match.output.2 {
                let inner = block.dropFirst().dropLast()
                let pairs = inner.matches(of: label)
                let rebuilt = pairs.map { "\($0.output.1)=\"\($0.output.2)\"" }.joined(separator: ",")
                guard rebuilt == inner.trimmingCharacters(in: CharacterSet(charactersIn: ",")) else { throw Malformed(line: String(line)) }
                for pair in pairs { labels[String(pair.output.1)] = String(pair.output.2) }
            }
            samples.append(Sample(name: String(match.output.1), labels: labels, value: value))
        }
        return samples
    }
}
