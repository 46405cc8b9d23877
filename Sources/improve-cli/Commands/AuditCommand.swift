import ArgumentParser
import Foundation
import Improve

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Work with the audit records runs write.",
        subcommands: [AuditVerifyCommand.self]
    )
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an audit record's digest, signature and recomputed lift.",
        discussion: """
            Checks that the file is the canonical JSON the tool wrote, that its SHA-256 digest matches its content, that its HMAC-SHA256 signature matches under the key in IMPROVE_AUDIT_KEY (when the record is signed), and recomputes the gate's lift, interval and p-value from the stored holdout scores with the same rule and seed.

            Exit codes: 0 valid, 1 tampered or invalid, 6 intact but signed and IMPROVE_AUDIT_KEY is not set, so the signature could not be checked.
            """
    )

    @Argument(help: "The audit record (audit.json) to verify.")
    var file: String

    @Flag(name: .long, help: "Print the verification report as JSON on standard output.")
    var json = false

    func run() async throws {
        let report = AuditVerifier.verify(fileURL: URL(fileURLWithPath: file), key: AuditSigner.keyFromEnvironment())
        if json {
            try Terminal.printJSON(report)
        } else {
            for check in report.checks {
                print("  [\(check.status.rawValue)] \(check.name): \(check.detail)")
            }
            print("\(report.outcome.rawValue.uppercased()): \(report.summary)")
        }
        switch report.outcome {
        case .valid: return
        case .invalid: throw ExitStatus.error
        case .signatureUnverified: throw ExitStatus.signatureUnverified
        }
    }
}
