import Foundation

/// What a run was started with, stored in ``RunSpec/config`` so `improve-cli resume` can
/// finish it with the same settings.
///
/// Every field is optional because each kind of run stores its own subset (a search run the
/// profile directory, surface, generator, budget, seed and suite; an evolve run also its
/// evolution settings; an autoresearch run its artifact file; an eval only its split). A
/// field left nil is not written, so the stored JSON is exactly the object the runs stored
/// before this type existed, and existing stores resume unchanged.
public struct RunConfiguration: Codable, Sendable, Equatable {
    /// The profile directory the run reads (`improve-cli resume` reloads it).
    public var profileDirectory: String?
    /// The surface searched.
    public var surface: SurfaceKind?
    /// The generator's name.
    public var generator: String?
    /// The budget in force (the policy's, or the run's override).
    public var budget: Budget?
    /// The search seed in decimal: a string, because a JSON number is a double and would
    /// round seeds above 2^53.
    public var seed: String?
    /// True when a shipped version overwrites `profile.yaml`.
    public var inPlace: Bool?
    /// The suite's content hash when the run started.
    public var suiteHash: String?
    /// An evolve run's settings.
    public var evolution: EvolutionSettings?
    /// An autoresearch run's artifact file.
    public var artifactFile: String?
    /// An eval's split (`search`, `holdout` or `all`).
    public var split: String?

    /// A configuration; pass only the fields the kind of run stores.
    public init(
        profileDirectory: String? = nil, surface: SurfaceKind? = nil, generator: String? = nil, budget: Budget? = nil, seed: UInt64? = nil,
        inPlace: Bool? = nil, suiteHash: String? = nil, evolution: EvolutionSettings? = nil, artifactFile: String? = nil, split: String? = nil
    ) {
        self.profileDirectory = profileDirectory
        self.surface = surface
        self.generator = generator
        self.budget = budget
        self.seed = seed.map { String($0) }
        self.inPlace = inPlace
        self.suiteHash = suiteHash
        self.evolution = evolution
        self.artifactFile = artifactFile
        self.split = split
    }

    /// The configuration as the JSON tree stored in ``RunSpec/config``.
    public func json() throws -> JSONValue {
        try JSONValue(encoding: self)
    }

    /// The configuration stored in `config`, or nil when it is not one (a run from another tool).
    public init?(stored config: JSONValue) {
        guard let decoded = try? config.decode(as: RunConfiguration.self) else { return nil }
        self = decoded
    }
}
