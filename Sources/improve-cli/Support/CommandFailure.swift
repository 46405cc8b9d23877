import ArgumentParser
import Evals
import Foundation
import Improve
import ImproveCore

/// An error as a command reports it: the line printed on standard error (redacted) and the exit
/// status it ends with. One mapping for every command — `run`, `resume`, `evolve`, `eval`.
protocol CommandFailure: Error {
    /// The exit status this error ends a command with (see `improve-cli --help`).
    var exitStatus: ExitCode { get }
    /// What to print, before redaction.
    var message: String { get }
}

extension CommandFailure where Self: CustomStringConvertible {
    var message: String { description }
}

extension ProfileLock.Busy: CommandFailure {
    var exitStatus: ExitCode { ExitStatus.locked }
}

extension PolicyViolation: CommandFailure {
    var exitStatus: ExitCode { ExitStatus.policyViolation }
}

extension ModelError: CommandFailure {
    var exitStatus: ExitCode {
        if case .notAllowed = self { return ExitStatus.policyViolation }
        return ExitStatus.error
    }
}

extension StoreError: CommandFailure {
    var exitStatus: ExitCode {
        if case .cancelled = self { return ExitStatus.interrupted }
        return ExitStatus.error
    }
}

extension SpendCeilingReached: CommandFailure {
    var exitStatus: ExitCode { ExitStatus.interrupted }
    var message: String {
        "\(stop); run \(runID) is resumable: run the same command again (or `improve-cli resume \(runID)`) once the window has room or with a higher --spend-ceiling"
    }
}

extension ExitStatus {
    /// Prints `error` (redacted) and returns its exit status: a ``CommandFailure`` says its own,
    /// anything else is an error (1). `stopped` hears the run id and the reason of a run that a
    /// signal or the spend ceiling stopped (resumable).
    static func reporting(_ error: any Error, stopped: (_ runID: String, _ reason: String) -> Void = { _, _ in }) -> ExitCode {
        let redactor = Redactor.fromEnvironment()
        switch error {
        case let exit as ExitCode:
            // Already reported by the code that threw it.
            return exit
        case let failure as any CommandFailure:
            // A progress line may still be on the terminal: start the error on a line of its own.
            if failure is StoreError, Terminal.stderrIsTTY { Terminal.note("") }
            Terminal.error(redactor.redact(failure.message))
            if case StoreError.cancelled(let runID) = error { stopped(runID, "interrupted by a signal") }
            if let reached = error as? SpendCeilingReached { stopped(reached.runID, reached.stop.description) }
            return failure.exitStatus
        default:
            Terminal.error(redactor.redact(String(describing: error)))
            return ExitStatus.error
        }
    }
}
