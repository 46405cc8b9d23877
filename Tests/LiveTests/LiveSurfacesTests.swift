import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `improve-cli run` on the two example profiles whose surfaces improve without a strong model,
/// against the real local model: the compressor (autoresearch with a declared search space)
/// and the reviews skill (model-free skill operators). Each prints its figures for the notes.
@Suite("Live surfaces", .serialized, .enabled(if: LiveModel.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"))
struct LiveSurfacesTests {
    private func run(_ profile: String, edit: ((URL) throws -> Void)? = nil, _ extra: [String] = []) async throws -> (CLIProcess.Result, JSONValue)? {
        guard let live = try await LiveModel.requireOrSkip() else { return nil }
        let copy = try Fixtures.copyOfProfile(profile)
        try edit?(copy)
        let result = try await CLIProcess.run(
            ["run", copy.path, "--store", "store.sqlite", "--json"] + extra, in: copy.deletingLastPathComponent(),
            environment: ["IMPROVE_BASE_URL": live.absoluteString])
        let outcome = (try? JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))) ?? .null
        return (result, outcome)
    }

    @Test("the compressor reaches at most 4,000 bytes in six attempts, one of them the model's", .timeLimit(.minutes(5)))
    func compressor() async throws {
        let shorter = { (copy: URL) in try Fixtures.edit(copy.appendingPathComponent("artifact.yaml"), replacing: "maxAttempts: 12", with: "maxAttempts: 6") }
        guard let (result, outcome) = try await run("compressor", edit: shorter) else { return }
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(outcome["verdict"] == "ship")
        let best = try #require(outcome["winnerSearchMean"]?.liveNumber)
        #expect(best <= 4000)
        print("LIVE compressor: \(outcome["baselineSearchMean"]?.liveNumber ?? 0) -> \(best) bytes; \(outcome["stopReason"]?.stringValue ?? "")")
    }

    @Test("the reviews skill ships a gated gain from model-free skill operators", .timeLimit(.minutes(6)))
    func reviewsSkill() async throws {
        guard let (result, outcome) = try await run("reviews", ["--surface", "skills"]) else { return }
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(outcome["verdict"] == "ship")
        let before = try #require(outcome["baselineHoldoutMean"]?.liveNumber)
        let after = try #require(outcome["winnerHoldoutMean"]?.liveNumber)
        #expect(after > before)
        print("LIVE reviews skill holdout: \(before) -> \(after); \(outcome["reasons"].map { "\($0)" } ?? "")")
    }
}

private extension JSONValue {
    /// The number, when this is one.
    var liveNumber: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}
