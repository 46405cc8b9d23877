import Foundation
import ImproveCore

/// Scores with an external program: it reads one JSON object on standard input
/// (`{"id", "fields", "expected", "output"}`) and prints `{"score", "passed", "feedback"}`.
///
/// A non-zero exit, a timeout, or output that is not that JSON is a ``ScorerError`` (with the
/// raw output kept), never a low score.
public struct CommandScorer: Scorer {
    public let name: String
    /// argv; a single string is run through `/bin/sh -c`.
    public let arguments: [String]
    public let timeoutSeconds: Double
    let environment: ScorerEnvironment

    public init(name: String = "command", arguments: [String], timeoutSeconds: Double = 30, environment: ScorerEnvironment) {
        self.name = name
        self.arguments = arguments
        self.timeoutSeconds = timeoutSeconds
        self.environment = environment
    }

    struct Reply: Decodable {
        var score: Double
        var passed: Bool?
        var feedback: String?
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        let payload: JSONValue = [
            "id": .string(item.id), "fields": .object(item.fields.mapValues { .string($0) }),
            "expected": item.expected.map { .string($0) } ?? .null, "output": .string(output),
        ]
        let input = try CanonicalJSON.encode(payload)
        let name = name, arguments = arguments, timeout = timeoutSeconds, directory = environment.workingDirectory
        let signature: JSONValue = ["command": .array(arguments.map { .string($0) }), "payload": payload]
        return try await environment.scored(scorer: name, input: signature) {
            let result = try await Subprocess.run(arguments, input: input, directory: directory, timeoutSeconds: timeout)
            let stdout = String(decoding: result.stdout, as: UTF8.self)
            if result.timedOut {
                throw ScorerError(scorer: name, problem: "the command did not finish within \(timeout) s", raw: stdout)
            }
            guard result.status == 0 else {
                let stderr = String(decoding: result.stderr, as: UTF8.self)
                throw ScorerError(scorer: name, problem: "the command exited with status \(result.status): \(TextNormal.preview(stderr, limit: 300))", raw: stdout)
            }
            guard let reply = try? JSONDecoder().decode(Reply.self, from: result.stdout), reply.score.isFinite, (0...1).contains(reply.score) else {
                throw ScorerError(scorer: name, problem: "the command must print {\"score\": 0..1, \"passed\": bool, \"feedback\": text}", raw: stdout)
            }
            return ScoreResult(score: reply.score, passed: reply.passed, feedback: reply.feedback ?? "")
        }
    }
}

/// Runs a child process with input on stdin and a deadline.
enum Subprocess {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var timedOut: Bool
    }

    /// A process handle shared with the deadline task; `Process` itself is not `Sendable`.
    private final class Handle: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var killed = false
        var timedOut: Bool { lock.withLock { killed } }

        func kill() {
            lock.withLock {
                guard process.isRunning else { return }
                killed = true
                ProcessTree.kill(process.processIdentifier)
            }
        }
    }

    static func run(_ arguments: [String], input: Data, directory: URL?, timeoutSeconds: Double) async throws -> Result {
        guard let first = arguments.first else { throw ScorerError(scorer: "command", problem: "the command is empty") }
        let handle = Handle()
        let process = handle.process
        if arguments.count == 1 {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", first]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch {
            throw ScorerError(scorer: "command", problem: "cannot start \(arguments.joined(separator: " ")): \(error.localizedDescription)")
        }
        let deadline = Task {
            try await Task.sleep(for: .seconds(timeoutSeconds))
            handle.kill()
        }
        defer { deadline.cancel() }
        // Blocking reads and the wait run on Dispatch threads, never on the cooperative pool:
        // parked there they could starve the deadline task that is meant to end them.
        let readOut = Task { await offCooperativePool { stdout.fileHandleForReading.readDataToEndOfFile() } }
        let readErr = Task { await offCooperativePool { stderr.fileHandleForReading.readDataToEndOfFile() } }
        // A child that exits without reading stdin must not kill this process with SIGPIPE.
        _ = signal(SIGPIPE, SIG_IGN)
        try? stdin.fileHandleForWriting.write(contentsOf: input)
        try? stdin.fileHandleForWriting.close()
        let out = await readOut.value
        let err = await readErr.value
        await offCooperativePool { handle.process.waitUntilExit() }
        return Result(status: process.terminationStatus, stdout: out, stderr: err, timedOut: handle.timedOut)
    }
}
