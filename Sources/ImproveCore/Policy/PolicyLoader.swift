import Foundation

/// Reads and validates `policy.yaml`.
public enum PolicyLoader {
    static let topKeys = ["allowedModels", "roles", "budget", "gate", "search", "spendCeiling", "evolution"]
    static let roleNames = ModelRole.configurable.map(\.rawValue)
    static let budgetKeys = ["metricCalls", "tokens", "cost"]
    static let gateKeys = ["minLift", "confidence", "minPairs", "maxOverfitGap", "maxDimensionRegression", "maxCostRatio", "maxLatencyRatio", "bootstrapResamples", "seed", "finalists", "maxExcludedFraction", "checks"]
    static let searchKeys = ["seed", "minibatchSize", "maxConsecutiveFailures", "maxComponentLength", "concurrency", "rollouts", "parallelProposals"]

    /// Loads and validates a `policy.yaml`; errors name the file, line and field.
    public static func load(contentsOf url: URL) throws -> Policy {
        try parse(ConfigNode.load(contentsOf: url))
    }

    /// Parses policy text named `file`.
    public static func parse(_ text: String, file: String) throws -> Policy {
        try parse(ConfigNode.parse(text, file: file))
    }

    static func parse(_ root: ConfigNode) throws -> Policy {
        let top = try root.mapping()
        try top.rejectUnknownKeys(topKeys)
        let allowedNode = try top.required("allowedModels", hint: "list provider/model names, e.g. [local/smollm2-135m-instruct]")
        let patterns = try allowedNode.stringList()
        for (index, pattern) in patterns.enumerated() where pattern != "*" && !pattern.contains("/") {
            throw try allowedNode.list()[index].error("\"\(pattern)\" is not a provider/model name", hint: "write provider/model, provider/* or *")
        }
        var roles: [String: ModelSpec] = [:]
        if let node = top.optional("roles") {
            let mapping = try node.mapping()
            try mapping.rejectUnknownKeys(roleNames)
            for (role, value) in mapping.members { roles[role] = try ProfileLoader.parseModel(value) }
        }
        var policy = Policy(allowedModels: AllowedModels(patterns), roles: roles)
        if let node = top.optional("budget") {
            let fields = try node.mapping()
            try fields.rejectUnknownKeys(budgetKeys)
            policy.budget = Budget(
                metricCalls: try fields.optional("metricCalls")?.int(in: 1...100_000_000),
                tokens: try fields.optional("tokens")?.int(in: 1...Int.max),
                cost: try fields.optional("cost")?.double(in: 0...1_000_000))
            guard policy.budget.isBounded else {
                throw node.error("sets no limit", hint: "set at least one of metricCalls, tokens, cost")
            }
        }
        if let node = top.optional("gate") {
            let fields = try node.mapping()
            try fields.rejectUnknownKeys(gateKeys)
            var gate = GateSettings()
            if let value = fields.optional("minLift") { gate.minLift = try value.double(in: -1...1) }
            if let value = fields.optional("confidence") { gate.confidence = try value.double(in: 0.5...0.9999) }
            if let value = fields.optional("minPairs") { gate.minPairs = try value.int(in: 1...1_000_000) }
            if let value = fields.optional("maxOverfitGap") { gate.maxOverfitGap = try value.double(in: 0...1) }
            if let value = fields.optional("maxDimensionRegression") { gate.maxDimensionRegression = try value.double(in: 0...1) }
            if let value = fields.optional("maxCostRatio") { gate.maxCostRatio = try value.double(in: 0...1_000_000) }
            if let value = fields.optional("maxLatencyRatio") { gate.maxLatencyRatio = try value.double(in: 0...1_000_000) }
            if let value = fields.optional("bootstrapResamples") { gate.bootstrapResamples = try value.int(in: 100...1_000_000) }
            if let value = fields.optional("seed") { gate.seed = UInt64(try value.int(in: 0...Int.max)) }
            if let value = fields.optional("finalists") { gate.finalists = try value.int(in: 1...20) }
            if let value = fields.optional("maxExcludedFraction") { gate.maxExcludedFraction = try value.double(in: 0...1) }
            if let value = fields.optional("checks") { gate.checks = try parseCheckSettings(value) }
            policy.gate = gate
        }
        if let node = top.optional("search") {
            let fields = try node.mapping()
            try fields.rejectUnknownKeys(searchKeys)
            var search = SearchSettings()
            if let value = fields.optional("seed") { search.seed = UInt64(try value.int(in: 0...Int.max)) }
            if let value = fields.optional("minibatchSize") { search.minibatchSize = try value.int(in: 1...1000) }
            if let value = fields.optional("maxConsecutiveFailures") { search.maxConsecutiveFailures = try value.int(in: 1...10000) }
            if let value = fields.optional("maxComponentLength") { search.maxComponentLength = try value.int(in: 10...1_000_000) }
            if let value = fields.optional("concurrency") { search.concurrency = try value.int(in: 1...256) }
            if let value = fields.optional("rollouts") { search.rollouts = try value.int(in: 1...100) }
            if let value = fields.optional("parallelProposals") { search.parallelProposals = try value.int(in: 1...16) }
            policy.search = search
        }
        if let node = top.optional("spendCeiling") { policy.spendCeiling = try parseSpendCeiling(node) }
        if let node = top.optional("evolution") { policy.evolution = try EvolutionSettingsLoader.parse(node) }
        return policy
    }

    /// `gate.checks: {<check name>: {<key>: <value>, ...}}`: kept as written; the run's gate
    /// checks validate names and keys in preflight (this module does not know them).
    static func parseCheckSettings(_ node: ConfigNode) throws -> [String: JSONValue] {
        var settings: [String: JSONValue] = [:]
        for (name, value) in try node.mapping().members {
            _ = try value.mapping()
            settings[name] = try value.json()
        }
        return settings
    }

    /// `spendCeiling: {limit: 5usd | 200000tokens | 300calls, window: 24h}` (window default 24h).
    static func parseSpendCeiling(_ node: ConfigNode) throws -> SpendCeilingSetting {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(["limit", "window"])
        let limitNode = try fields.required("limit", hint: "write an amount and a unit: 5usd, 200000tokens or 300calls")
        guard let ceiling = SpendCeiling(parsing: try limitNode.string()) else {
            throw limitNode.error("is not a spend limit", hint: "write an amount and a unit: 5usd, 200000tokens or 300calls")
        }
        let windowNode = fields.optional("window")
        let window = try windowNode?.string() ?? "24h"
        guard let seconds = TimeSpan.seconds(window) else {
            throw (windowNode ?? node).error("is not a duration", hint: "write a number and a unit: 90m, 24h, 7d")
        }
        return SpendCeilingSetting(ceiling: ceiling, window: window, windowSeconds: seconds)
    }
}
