/// The `evolution:` block of `policy.yaml`: how `evolve` runs its generations.
///
/// Absent from a policy, ``Policy/evolution`` is nil and `evolve` uses these defaults; a policy
/// without the block encodes (and hashes) exactly as before, so existing runs keep their ids.
public struct EvolutionSettings: Codable, Sendable, Equatable {
    /// Candidates per generation, elites included.
    public var population: Int
    /// Generations authored after the seed (generation 0).
    public var generations: Int
    /// The best members of a generation carried unchanged into the next (by the cost-aware rank).
    public var elites: Int
    /// Search means within this distance of the best count as tied; the cheaper candidate wins.
    public var tieTolerance: Double
    /// How many of the parent's lost items the author is shown per child.
    public var lossesShown: Int
    /// Holdout items drawn for the final gate (nil: the whole holdout split).
    public var holdoutSize: Int?
    /// Sampling temperature of the author: children of one parent must differ to be worth scoring.
    public var authorTemperature: Double

    public init(population: Int = 4, generations: Int = 3, elites: Int = 1, tieTolerance: Double = 0.02, lossesShown: Int = 3, holdoutSize: Int? = nil, authorTemperature: Double = 0.8) {
        self.population = population
        self.generations = generations
        self.elites = elites
        self.tieTolerance = tieTolerance
        self.lossesShown = lossesShown
        self.holdoutSize = holdoutSize
        self.authorTemperature = authorTemperature
    }
}
