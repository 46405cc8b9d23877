import Foundation
import ImproveCore

/// An eval suite: items, how to score them, and how to split them into search and holdout.
public struct Suite: Sendable {
    public var name: String
    /// The suite file, for messages.
    public var file: String
    public var items: [EvalItem]
    public var scorers: [ScorerConfig]
    public var split: SplitPlan
    /// Simulated users for multi-turn evals (optional).
    public var personas: [PersonaCard]
    public var simulation: SimulationSettings

    public init(name: String, file: String, items: [EvalItem], scorers: [ScorerConfig], split: SplitPlan, personas: [PersonaCard] = [], simulation: SimulationSettings = SimulationSettings()) {
        self.name = name
        self.file = file
        self.items = items
        self.scorers = scorers
        self.split = split
        self.personas = personas
        self.simulation = simulation
    }

    /// The directory holding the suite file: data paths and command scorers are relative to it.
    public var directory: URL { URL(fileURLWithPath: file).deletingLastPathComponent() }

    /// The deterministic search / holdout partition.
    public func splitItems() -> (search: [EvalItem], holdout: [EvalItem]) {
        split.apply(to: items)
    }

    /// The personas split like items, by persona id (explicit `search:` / `holdout:` lists
    /// first, then the hash rule): every trial of a persona lands on the same side, so no
    /// generator sees a trial of a holdout persona.
    public func splitPersonas() -> (search: [PersonaCard], holdout: [PersonaCard]) {
        var search: [PersonaCard] = []
        var holdout: [PersonaCard] = []
        for persona in personas {
            if split.isHoldout(persona.id) { holdout.append(persona) } else { search.append(persona) }
        }
        return (search, holdout)
    }

    /// Identity of everything that determines scores: items, scorers, split, personas and
    /// simulation settings. Part of a run's dedupe key.
    /// - Throws: an encoding error (a non-finite number, for example), never an empty hash.
    public func contentHash() throws -> String {
        let value: JSONValue = [
            "items": try JSONValue(encoding: items),
            "scorers": try JSONValue(encoding: scorers),
            "split": try JSONValue(encoding: split),
            "personas": try JSONValue(encoding: personas),
            "simulation": try JSONValue(encoding: simulation),
        ]
        return try ContentHash.of(value)
    }

    /// The label set named by label scorers, for generators that constrain output format.
    public var labels: [String] {
        scorers.flatMap(\.labels)
    }
}

/// How items are divided between the search split (seen by generators) and the holdout split
/// (seen only by the gate).
public struct SplitPlan: Codable, Sendable, Equatable {
    public var seed: UInt64
    /// Bump to re-draw the split on purpose; part of every item's hash.
    public var version: Int
    public var holdoutFraction: Double
    public var explicitHoldout: [String]
    public var explicitSearch: [String]

    public init(seed: UInt64 = 1, version: Int = 1, holdoutFraction: Double = 0.5, explicitHoldout: [String] = [], explicitSearch: [String] = []) {
        self.seed = seed
        self.version = version
        self.holdoutFraction = holdoutFraction
        self.explicitHoldout = explicitHoldout
        self.explicitSearch = explicitSearch
    }

    /// True when `id` lands in holdout: explicit lists first, then sha256(version:seed:id)
    /// read as a fraction of 2^64, so adding or removing other items never moves an item.
    public func isHoldout(_ id: String) -> Bool {
        if explicitHoldout.contains(id) { return true }
        if explicitSearch.contains(id) { return false }
        let digest = ContentHash.sha256("v\(version):\(seed):\(id)")
        let prefix = UInt64(digest.prefix(16), radix: 16) ?? 0
        return Double(prefix) / 18_446_744_073_709_551_616.0 < holdoutFraction
    }

    public func apply(to items: [EvalItem]) -> (search: [EvalItem], holdout: [EvalItem]) {
        var search: [EvalItem] = []
        var holdout: [EvalItem] = []
        for item in items {
            if isHoldout(item.id) { holdout.append(item) } else { search.append(item) }
        }
        return (search, holdout)
    }
}
