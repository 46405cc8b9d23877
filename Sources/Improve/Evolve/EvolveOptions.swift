import Foundation
import Generators
import ImproveCore

/// Options of one `evolve` call: those of `run` plus overrides of the policy's `evolution:` block.
public struct EvolveOptions: Sendable {
    /// Seed, budget, dedupe key, worker, output directory, in-place write and audit key, as for
    /// `improve`. Its `surface` is the surface evolved (default `strategy`); its `generator` is unused.
    public var run: ImproveOptions
    /// Overrides `evolution.population`.
    public var population: Int?
    /// Overrides `evolution.generations`.
    public var generations: Int?
    /// Overrides `evolution.elites`.
    public var elites: Int?
    /// Overrides `evolution.holdoutSize`.
    public var holdoutSize: Int?
    /// Where a shipped version is written (nil: beside `profile.yaml`). Replicates use their own
    /// directories: one seed is not a result, so no replicate changes the profile's directory.
    public var versionDirectory: URL?

    public init(run: ImproveOptions = ImproveOptions(surface: .strategy), population: Int? = nil, generations: Int? = nil, elites: Int? = nil, holdoutSize: Int? = nil, versionDirectory: URL? = nil) {
        self.run = run
        self.population = population
        self.generations = generations
        self.elites = elites
        self.holdoutSize = holdoutSize
        self.versionDirectory = versionDirectory
    }

    /// The policy's settings (or the defaults) with these overrides applied.
    public func settings(from policy: Policy) -> EvolutionSettings {
        var settings = policy.evolution ?? EvolutionSettings()
        if let population { settings.population = population }
        if let generations { settings.generations = generations }
        if let elites { settings.elites = elites }
        if let holdoutSize { settings.holdoutSize = holdoutSize }
        return settings
    }
}

/// Progress notes of `evolve` for a UI.
public enum EvolveProgress: Sendable {
    /// A note shared with `improve` (run started or joined, holdout progress, warnings).
    case run(ImproveProgress)
    /// An attempt was settled (scored or rejected).
    case attempt(LineageEntry)
    /// A generation is complete.
    case generation(GenerationStats)
}
