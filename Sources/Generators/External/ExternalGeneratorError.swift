/// What went wrong talking to an external generator process; every case names the command.
public enum ExternalGeneratorError: Error, CustomStringConvertible, Equatable, Sendable {
    case launchFailed(command: String, reason: String)
    /// The process wrote a line that is not a valid message.
    case malformedOutput(command: String, line: String, problem: String)
    /// The process exited (twice: it is restarted once per run).
    case crashed(command: String, status: Int32, stderr: String)
    case timedOut(command: String, seconds: Double)
    /// The process answered `{"type":"error"}`.
    case reportedError(command: String, message: String)

    public var description: String {
        switch self {
        case .launchFailed(let command, let reason):
            return "external generator `\(command)` could not be started: \(reason)"
        case .malformedOutput(let command, let line, let problem):
            return "external generator `\(command)` wrote a malformed line: \(problem): \(line.prefix(200)) (each stdout line must be one JSON message, see docs/external-generator.md; log to stderr)"
        case .crashed(let command, let status, let stderr):
            return "external generator `\(command)` exited with status \(status) after its one restart" + (stderr.isEmpty ? "" : "; its stderr ended: \(stderr)")
        case .timedOut(let command, let seconds):
            return "external generator `\(command)` did not answer within \(seconds) s and was killed"
        case .reportedError(let command, let message):
            return "external generator `\(command)` reported an error: \(message)"
        }
    }
}
