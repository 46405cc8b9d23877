import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `improve-cli run` on a copy of `Profiles/compressor` whose `space:` does not fit
/// `config.json`: exit 1 with the line and the fix, before any store, lock or run directory.
@Suite(.serialized) struct ArtifactSpaceCheckCLITests {
    /// Runs `improve-cli run` (default store, so a store would be `.improve/` in the working
    /// directory) on a compressor copy broken by `breakIt`; checks exit 1, `mentions` on stderr,
    /// and that no file or directory appeared or changed, the home directory included.
    static func expectRefusal(mentions: [String], breakIt: (URL) throws -> Void) async throws {
        let profile = try Fixtures.copyOfProfile("compressor")
        let work = profile.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try breakIt(profile)
        let before = BadInputTests.snapshot(work)
        let result = try await CLIProcess.run(["run", profile.path], in: work, environment: ["IMPROVE_BASE_URL": "http://127.0.0.1:9/v1", "HOME": home.path])
        #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
        for text in mentions { #expect(result.stderr.contains(text), "stderr lacks \"\(text)\": \(result.stderr)") }
        #expect(BadInputTests.snapshot(work) == before, "files were created or changed")
        for made in [".improve", "runs", "compressor/runs", "compressor/.improve"] {
            #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent(made).path), "\(made) was created")
        }
    }

    @Test func aMisspeltSpaceFieldIsRefusedWithASuggestion() async throws {
        try await Self.expectRefusal(mentions: ["artifact.yaml:14: space.codek: config.json has no field \"codek\"", "did you mean \"codec\"?"]) { profile in
            try Fixtures.edit(profile.appendingPathComponent("artifact.yaml"), replacing: "  codec: {choices", with: "  codek: {choices")
        }
    }

    @Test func aConfigThatIsNotJSONIsRefusedWithItsPosition() async throws {
        try await Self.expectRefusal(mentions: ["config.json:3: not valid JSON at column 12", "must parse"]) { profile in
            try Fixtures.edit(profile.appendingPathComponent("config.json"), replacing: "\"level\": 1,", with: "\"level\": one,")
        }
    }
}
