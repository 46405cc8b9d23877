/// Reads the `evolution:` block of `policy.yaml` (unknown keys are errors, like everywhere else).
enum EvolutionSettingsLoader {
    static let keys = ["population", "generations", "elites", "tieTolerance", "lossesShown", "holdoutSize", "authorTemperature"]

    static func parse(_ node: ConfigNode) throws -> EvolutionSettings {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(keys)
        var settings = EvolutionSettings()
        if let value = fields.optional("population") { settings.population = try value.int(in: 1...1000) }
        if let value = fields.optional("generations") { settings.generations = try value.int(in: 1...1000) }
        if let value = fields.optional("elites") { settings.elites = try value.int(in: 0...999) }
        if let value = fields.optional("tieTolerance") { settings.tieTolerance = try value.double(in: 0...1) }
        if let value = fields.optional("lossesShown") { settings.lossesShown = try value.int(in: 1...100) }
        if let value = fields.optional("holdoutSize") { settings.holdoutSize = try value.int(in: 1...1_000_000) }
        if let value = fields.optional("authorTemperature") { settings.authorTemperature = try value.double(in: 0...2) }
        if let problem = settings.problem {
            throw (fields.optional("elites") ?? node).error(problem.text, hint: problem.hint)
        }
        return settings
    }
}

extension EvolutionSettings {
    /// A contradiction between fields (nil when the settings are usable), for the loader and
    /// for command-line overrides alike.
    public var problem: (text: String, hint: String)? {
        guard elites < population else {
            return ("keeps \(elites) elites in a population of \(population), leaving no room for new candidates", "set elites below population")
        }
        return nil
    }
}
