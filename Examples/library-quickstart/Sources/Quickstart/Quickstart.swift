// The library quickstart: improve the prompt of Profiles/sentiment against the model server at
// IMPROVE_BASE_URL, through improve's public API only.
//
//     Examples/library-quickstart/run           # starts a loopback stub model, then this program
//     eval "$(scripts/local-model env)" && swift run --package-path Examples/library-quickstart
//
// The program works on a scratch copy of the profile directory (under $TMPDIR), so neither the
// run's store, audit record and reports nor a shipped profile version land in the repository.
import Evals
import Foundation
import Improve
import ImproveCore
import ImproveHTTP
import ImproveSQLite

@main
struct Quickstart {
    static func main() async throws {
        let profileDirectory = try scratchCopy(of: CommandLine.arguments.dropFirst().first.map(URL.init(fileURLWithPath:)) ?? sentimentProfile)

        // snippet: begin (README.md and Improve.docc/Improve.md show this region; ./check-snippet keeps them equal)
        // Load and validate the profile directory: profile.yaml, suite.yaml, policy.yaml.
        let bundle = try ProfileBundle.load(directory: profileDirectory)
        let inputs = try ImproveInputs(bundle: bundle)

        // The durable step store, opened from an address as `--store` is: a file path is SQLite
        // (add `PostgresStoreScheme()` from ImprovePostgres for `postgres://` addresses). Every
        // model call is journaled there, so running this again after a crash (or a kill)
        // finishes the run without paying for a completed call twice.
        let stores = StoreSchemes([SQLiteStoreScheme()])
        let store = try await stores.openForWriting(profileDirectory.appendingPathComponent(".improve/improve.sqlite").path)

        // Providers as every command finds them: the first providers.yaml beside the profile, in
        // the working directory or in ~/.config/improve, over the built-ins. The profile's
        // provider, `local`, is served at IMPROVE_BASE_URL.
        let providers = try ProviderSearch(profileDirectory: profileDirectory).registry()
        let models = ModelAccess { spec in try providers.client(for: spec) }

        let outcome = try await improve(inputs, surface: .prompt, options: ImproveOptions(), store: store, models: models) { note in
            if case .warning(let text) = note { print("warning: \(text)") }
        }
        print("verdict: \(outcome.verdict.rawValue)")
        print("holdout mean: baseline \(format(outcome.baselineHoldoutMean)), winner \(format(outcome.winnerHoldoutMean))")
        print("audit record: \(outcome.auditRecord)")
        print("report: \(outcome.report)")
        if let written = outcome.writtenProfile { print("new profile version: \(written)") }
        // snippet: end
    }

    /// `Profiles/sentiment` of the repository this file is in.
    static var sentimentProfile: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()  // Quickstart.swift, Quickstart/, Sources/
            .deletingLastPathComponent().deletingLastPathComponent()  // library-quickstart/, Examples/
            .appendingPathComponent("Profiles/sentiment")
    }

    /// A copy of `directory` in a new temporary directory, without its `runs/` (earlier runs'
    /// outputs) and hidden entries (a store).
    static func scratchCopy(of directory: URL) throws -> URL {
        let files = FileManager.default
        let copy = files.temporaryDirectory
            .appendingPathComponent("improve-quickstart-\(UUID().uuidString)")
            .appendingPathComponent(directory.standardizedFileURL.lastPathComponent)
        try files.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in try files.contentsOfDirectory(atPath: directory.path) where name != "runs" && !name.hasPrefix(".") {
            try files.copyItem(at: directory.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        return copy
    }

    /// A mean to three decimals, or "n/a" when there was no holdout.
    static func format(_ mean: Double?) -> String {
        mean.map { String(format: "%.3f", $0) } ?? "n/a"
    }
}
