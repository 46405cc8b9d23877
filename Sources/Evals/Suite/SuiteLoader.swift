import Foundation
import ImproveCore

/// Reads and validates `suite.yaml`.
public enum SuiteLoader {
    static let topKeys = ["name", "items", "scorers", "split", "personas", "simulation"]
    static let itemKeys = ["id", "input", "expected", "tags", "fields", "file", "idField", "inputField", "expectedField"]
    static let splitKeys = ["seed", "version", "holdoutFraction", "holdout", "search"]

    /// Loads and checks `suite.yaml`; `scorers` are the scorer types it may name.
    public static func load(contentsOf url: URL, scorers: ScorerRegistry = .builtIn) throws -> Suite {
        try loadChecked(contentsOf: url, scorers: scorers).suite
    }

    /// Loads a suite and also returns the warnings of ``SuiteChecks`` (values a user could mean,
    /// but probably does not); its errors are thrown like any other.
    public static func loadChecked(contentsOf url: URL, scorers: ScorerRegistry = .builtIn) throws -> (suite: Suite, warnings: [ConfigError]) {
        try parseChecked(ConfigNode.load(contentsOf: url), directory: url.deletingLastPathComponent(), scorers: scorers)
    }

    /// Parses suite text named `file`, resolving data files against `directory`.
    public static func parse(_ text: String, file: String, directory: URL, scorers: ScorerRegistry = .builtIn) throws -> Suite {
        try parseChecked(ConfigNode.parse(text, file: file), directory: directory, scorers: scorers).suite
    }

    static func parseChecked(_ root: ConfigNode, directory: URL, scorers: ScorerRegistry = .builtIn) throws -> (suite: Suite, warnings: [ConfigError]) {
        let (suite, located) = try parse(root, directory: directory, scorers: scorers)
        return (suite, try SuiteChecks.check(suite, items: located, registry: scorers))
    }

    static func parse(_ root: ConfigNode, directory: URL, scorers registry: ScorerRegistry = .builtIn) throws -> (Suite, [LocatedItem]) {
        let top = try root.mapping()
        try top.rejectUnknownKeys(topKeys)
        let name = try top.optional("name")?.nonEmptyString() ?? directory.lastPathComponent
        let personas = try top.optional("personas").map(PersonaParser.personas) ?? []
        let simulation = try PersonaParser.settings(top.optional("simulation"))
        // A suite of personas alone needs no items and no item scorers.
        let itemsNode = personas.isEmpty
            ? try top.required("items", hint: "list items inline or as - file: data.jsonl")
            : top.optional("items")
        var located: [LocatedItem] = []
        var firstSeen: [String: String] = [:]
        for entry in try itemsNode?.list() ?? [] {
            let loaded = try parseItems(entry, directory: directory)
            for next in loaded {
                let item = next.item
                if let previous = firstSeen[item.id] {
                    throw entry.error("duplicate item id \"\(item.id)\" (first seen \(previous))", hint: "ids must be unique across the suite")
                }
                if let persona = personas.first(where: { item.id == $0.id || item.id.hasPrefix($0.id + "#") }) {
                    throw entry.error("item id \"\(item.id)\" clashes with persona \"\(persona.id)\" (its trials are \(persona.id)#0, \(persona.id)#1, ...)", hint: "rename the item or the persona")
                }
                firstSeen[item.id] = entry.line.map { "\(entry.file):\($0)" } ?? entry.file
                try ItemLimits.check(item, file: next.file, line: next.line, limits: .current, count: located.count + 1)
                located.append(next)
            }
        }
        let items = located.map(\.item)
        if let itemsNode, items.isEmpty, personas.isEmpty { throw itemsNode.error("the suite has no items") }
        let scorersNode = items.isEmpty ? top.optional("scorers") : try top.required("scorers", hint: "e.g. - type: label, labels: [positive, negative]")
        let scorers = try scorersNode?.list().map { try ScorerFactory.parse($0, registry: registry) } ?? []
        if let scorersNode, scorers.isEmpty, !items.isEmpty { throw scorersNode.error("needs at least one scorer") }
        var scorerNames: Set<String> = []
        for (config, node) in zip(scorers, try scorersNode?.list() ?? []) where !scorerNames.insert(config.name).inserted {
            throw node.error("two scorers are named \"\(config.name)\"", hint: "give each a distinct name: so its dimension can be told apart")
        }
        let split = try parseSplit(top.optional("split"), ids: Set(items.map(\.id) + personas.map(\.id)))
        let suite = Suite(name: name, file: root.file, items: items, scorers: scorers, split: split, personas: personas, simulation: simulation)
        return (suite, located)
    }

    private static func parseItems(_ node: ConfigNode, directory: URL) throws -> [LocatedItem] {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(itemKeys)
        if let fileNode = fields.optional("file") {
            var mapping = DatasetReader.Mapping()
            if let value = fields.optional("idField") { mapping.id = try value.string() }
            if let value = fields.optional("inputField") { mapping.input = try value.string() }
            if let value = fields.optional("expectedField") { mapping.expected = try value.string() }
            let url = URL(fileURLWithPath: try fileNode.nonEmptyString(), relativeTo: directory).standardizedFileURL
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw fileNode.error("data file \(url.path) does not exist", hint: "paths are relative to the suite file")
            }
            let items = try DatasetReader.read(url, mapping: mapping, at: fileNode)
            guard !items.isEmpty else { throw fileNode.error("data file \(url.path) has no items") }
            return items
        }
        let id = try fields.required("id").nonEmptyString()
        var values: [String: String] = [:]
        if let extra = fields.optional("fields") {
            for (key, value) in try extra.mapping().members { values[key] = try value.string() }
        }
        if let input = fields.optional("input") { values["input"] = try input.string() }
        guard values["input"] != nil else { throw fields.owner.error("item \(id) has no input", hint: "add input: or fields: {input: ...}") }
        let item = EvalItem(id: id, fields: values, expected: try fields.optional("expected")?.string(), tags: try fields.optional("tags")?.stringList() ?? [])
        return [LocatedItem(item: item, file: node.file, line: node.line)]
    }

    private static func parseSplit(_ node: ConfigNode?, ids: Set<String>) throws -> SplitPlan {
        guard let node else { return SplitPlan() }
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(splitKeys)
        var plan = SplitPlan()
        if let value = fields.optional("seed") { plan.seed = UInt64(try value.int(in: 0...Int.max)) }
        if let value = fields.optional("version") { plan.version = try value.int(in: 1...1_000_000) }
        if let value = fields.optional("holdoutFraction") { plan.holdoutFraction = try value.double(in: 0.05...0.95) }
        for (key, keyPath) in [("holdout", \SplitPlan.explicitHoldout), ("search", \SplitPlan.explicitSearch)] {
            guard let listNode = fields.optional(key) else { continue }
            let listed = try listNode.stringList()
            if let unknown = listed.first(where: { !ids.contains($0) }) {
                throw listNode.error("lists unknown item or persona id \"\(unknown)\"")
            }
            plan[keyPath: keyPath] = listed
        }
        if let both = plan.explicitHoldout.first(where: plan.explicitSearch.contains), let node = fields.optional("holdout") {
            throw node.error("item \"\(both)\" is listed in both split.holdout and split.search", hint: "an item belongs to one split only")
        }
        return plan
    }
}
