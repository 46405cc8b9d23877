import Evals
import Foundation
import Improve
import ImproveCore
import ImproveHTTP

/// Builds the raw model clients for a profile directory: providers (``ProviderSearch``), then an
/// optional cassette.
enum ModelAccessFactory {
    /// - Parameters:
    ///   - profileDirectory: the profile run or evaluated; its `providers.yaml` is searched after
    ///     `--providers` (see ``ProviderSearch`` for the order).
    ///   - sources: `--providers`, `--cassette` and `--cassette-mode`.
    ///   - models: every model the run may call; each must resolve to a provider, a URL and (when
    ///     the provider names one) a key now, before the store is opened.
    static func make(profileDirectory: URL, sources: ModelSourceOptions, models: [ModelSpec] = []) throws -> ModelAccess {
        let search = ProviderSearch(explicitFile: sources.providers.map { URL(fileURLWithPath: $0) }, profileDirectory: profileDirectory)
        let registry = try search.registry()
        for model in models { _ = try registry.client(for: model) }
        guard let cassettePath = sources.cassette else {
            return ModelAccess { spec in try registry.client(for: spec) }
        }
        let mode: CassetteModelClient.Mode
        switch sources.cassetteMode {
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
