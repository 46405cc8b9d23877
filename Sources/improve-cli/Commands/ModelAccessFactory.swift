import Evals
import Foundation
import Improve
import ImproveCore
import ImproveHTTP

/// Builds the raw model clients for a profile directory: provider config, then an optional cassette.
enum ModelAccessFactory {
    /// - Parameter models: every model the run may call; each must resolve to a provider, a URL
    ///   and (when the provider names one) a key now, before the store is opened.
    static func make(providersFile: URL?, execution: ExecutionOptions, models: [ModelSpec] = []) throws -> ModelAccess {
        var searched: [URL] = []
        if let explicit = execution.providers { searched.append(URL(fileURLWithPath: explicit)) }
        if let providersFile { searched.append(providersFile) }
        searched.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("providers.yaml"))
        let registry = try ProviderRegistry.load(searching: searched)
        for model in models { _ = try registry.client(for: model) }
        guard let cassettePath = execution.cassette else {
            return ModelAccess { spec in try registry.client(for: spec) }
        }
        let mode: CassetteModelClient.Mode
        switch execution.cassetteMode {
        case .record: mode = .record
        case .replay: mode = .replayOnly
        case .recordMissing: mode = .recordMissing
        }
        // One cassette client per model, so every role's calls share one loaded file.
        let cassettes = CreatedOnce<any ModelClient>()
        let file = URL(fileURLWithPath: cassettePath)
        return ModelAccess(isStubOrReplay: mode == .replayOnly) { spec in
            try cassettes.value(for: spec.qualifiedName) {
                try CassetteModelClient(inner: try registry.client(for: spec), file: file, mode: mode)
            }
        }
    }
}
