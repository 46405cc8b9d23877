import ImproveCore

/// How a run is named in the store.
public enum RunIdentity {
    /// The default dedupe key: everything that determines the run's result. A nightly job
    /// started twice with unchanged inputs joins the first run instead of paying twice.
    public static func dedupeKey(profileHash: String, suiteHash: String, policyHash: String, surface: String, generator: String, budget: Budget, seed: UInt64) -> String {
        let signature: JSONValue = [
            "scheme": 1, "profile": .string(profileHash), "suite": .string(suiteHash), "policy": .string(policyHash),
            "surface": .string(surface), "generator": .string(generator), "seed": .string(String(seed)),
            "budget": [
                "metricCalls": budget.metricCalls.map { .number(Double($0)) } ?? .null,
                "tokens": budget.tokens.map { .number(Double($0)) } ?? .null,
                "cost": budget.cost.map { .number($0) } ?? .null,
            ],
        ]
        return "auto:" + ((try? ContentHash.of(signature)) ?? profileHash)
    }

    /// `key` scoped to a dedupe window bucket: unchanged when `window` is nil, so runs opened
    /// without a window keep their ids.
    public static func windowed(_ key: String, window: String?) -> String {
        window.map { "\(key)|window:\($0)" } ?? key
    }
}
