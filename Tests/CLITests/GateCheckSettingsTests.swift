import Foundation
import ImproveTestSupport
import Testing

/// `gate.checks` tunes checks a library run adds; the CLI runs the built-in checks only, so an
/// entry there names nothing it would read and is refused before any file is touched.
@Suite struct GateCheckSettingsTests {
    @Test func theCLIRefusesGateChecksNoBuiltInCheckReads() async throws {
        try await BadInputTests.expectRefusal(BadInputTests.run, mentions: ["policy.yaml", "gate.checks.promptLength", "names no gate check", "remove it"]) { profile in
            try Fixtures.edit(profile.appendingPathComponent("policy.yaml"), replacing: "gate:\n", with: "gate:\n  checks:\n    promptLength: {limit: 30}\n")
        }
    }
}
