import ArgumentParser

/// Exit codes are part of the contract with cron jobs and CI; see `improve-cli --help`.
enum ExitStatus {
    static let shipped = ExitCode(0)
    static let error = ExitCode(1)
    static let policyViolation = ExitCode(2)
    static let held = ExitCode(3)
    static let rejected = ExitCode(4)
    static let interrupted = ExitCode(5)
}

extension ExitStatus {
    /// `audit verify`: the record is intact but signed, and no key was available to check the signature.
    static let signatureUnverified = ExitCode(6)
}

extension ExitStatus {
    /// `run` / `resume`: another process is improving the same profile with the same store
    /// (its pid, host, run id and start time are printed); nothing was written.
    static let locked = ExitCode(7)
}
