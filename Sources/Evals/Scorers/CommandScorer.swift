import Foundation
import ImproveCore
import ImproveProcess

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
            guard !arguments.isEmpty else { throw ScorerError(scorer: "command", problem: "the command is empty") }
            let result: TimedProcess.Result
            do {
                result = try await TimedProcess.run(arguments, input: input, in: directory, timeout: timeout)
            } catch {
                throw ScorerError(scorer: "command", problem: "cannot start \(arguments.joined(separator: " ")): \(error.localizedDescription)")
            }
            let stdout = result.stdoutText
            if result.timedOut {
                throw ScorerError(scorer: name, problem: "the command did not finish within \(timeout) s", raw: stdout)
            }
            guard result.exitCode == 0 else {
                throw ScorerError(scorer: name, problem: "the command exited with status \(result.exitCode): \(TextNormal.preview(result.stderrText, limit: 300))", raw: stdout)
            }
            guard let reply = try? JSONDecoder().decode(Reply.self, from: result.stdout), reply.score.isFinite, (0...1).contains(reply.score) else {
                throw ScorerError(scorer: name, problem: "the command must print {\"score\": 0..1, \"passed\": bool, \"feedback\": text}", raw: stdout)
            }
            return ScoreResult(score: reply.score, passed: reply.passed, feedback: reply.feedback ?? "")
        }
    }
}
