import ImproveCore

// Policy settings of gate checks a run adds: `gate.checks.<name>` in policy.yaml. The built-in
// checks read their typed fields of ``GateSettings`` instead (minPairs, maxCostRatio, ...).

extension GateEvidence {
    /// The value of `key` under `gate.checks.<check>` in the policy, if set.
    public func setting(_ key: String, of check: GateCheckName) -> JSONValue? {
        settings.checks?[check.rawValue]?[key]
    }
}

extension GateCheckRegistry {
    /// Every `gate.checks.<name>` must name a check of this registry and set only the keys
    /// that check reads (``PromotionCheck/policyKeys``); a typo would otherwise be ignored and
    /// the check would run with its defaults.
    /// - Throws: ``ConfigError`` naming the policy file and the field.
    func validate(_ settings: GateSettings, policyFile: String) throws {
        for (name, value) in (settings.checks ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let check = checks.first(where: { $0.name.rawValue == name }) else {
                let tunable = checks.filter { !$0.policyKeys.isEmpty }.map(\.name.rawValue)
                throw ConfigError(
                    file: policyFile, line: nil, field: "gate.checks.\(name)", problem: "names no gate check of this run",
                    hint: tunable.isEmpty
                        ? "no check of this run reads settings under gate.checks (the built-in checks use the gate: keys); remove it"
                        : "the checks that read settings: \(tunable.joined(separator: ", "))")
            }
            guard case .object(let members) = value else { continue }
            for key in members.keys.sorted() where !check.policyKeys.contains(key) {
                throw ConfigError(
                    file: policyFile, line: nil, field: "gate.checks.\(name).\(key)", problem: "is not a setting of the \(name) check",
                    hint: check.policyKeys.isEmpty ? "the check reads no settings" : "use one of: \(check.policyKeys.joined(separator: ", "))")
            }
        }
    }
}
