import Foundation
import ImproveCore

/// How a run is named in the store: the one place every kind of run gets its spec and dedupe
/// key from.
///
/// The three key schemes below are those stores already hold (search and evolve runs, autoresearch
/// runs, evals); they are kept byte for byte, so a store written by an earlier version joins and
/// resumes its runs unchanged.
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

    /// The default dedupe key of an autoresearch run: the hash of its inputs and its seed.
    public static func artifactKey(inputsHash: String, seed: UInt64) -> String {
        ContentHash.sha256(Data("artifact|\(inputsHash)|\(seed)".utf8))
    }

    /// The dedupe key of an eval: the profile, the suite, the split and the item and trial limits.
    public static func evalKey(profileHash: String, suiteHash: String, split: String, limit: Int?, trials: Int?) -> String {
        "eval:\(profileHash):\(suiteHash):\(split):\(limit ?? 0):\(trials ?? 0)"
    }

    /// `key` scoped to a dedupe window bucket: unchanged when `window` is nil, so runs opened
    /// without a window keep their ids.
    public static func windowed(_ key: String, window: String?) -> String {
        window.map { "\(key)|window:\($0)" } ?? key
    }

    /// The spec of a search or evolve run on a profile: the caller's key or the default one,
    /// windowed, with the configuration `resume` reads back.
    static func profileRunSpec(
        inputs: ImproveInputs, options: ImproveOptions, policy: Policy, generator: String, budget: Budget, seed: UInt64, evolution: EvolutionSettings? = nil
    ) throws -> RunSpec {
        let surface = options.surface.rawValue
        let key = try windowed(options.dedupeKey ?? dedupeKey(
            profileHash: inputs.profile.contentHash, suiteHash: inputs.suiteHash, policyHash: try ContentHash.of(policy),
            surface: surface, generator: generator, budget: budget, seed: seed), window: options.dedupeWindow)
        let config = try RunConfiguration(
            profileDirectory: inputs.profileFile.deletingLastPathComponent().path, surface: options.surface, generator: generator,
            budget: budget, seed: seed, inPlace: options.inPlace, suiteHash: inputs.suiteHash, evolution: evolution
        ).json()
        return RunSpec(
            dedupeKey: key, seed: seed, profileName: inputs.profile.name, profileHash: inputs.profile.contentHash,
            surface: surface, generator: generator, config: config, policy: try JSONValue(encoding: policy))
    }

    /// The spec of an `improve` run.
    static func spec(of plan: ImprovePlan) throws -> RunSpec {
        try profileRunSpec(
            inputs: plan.inputs, options: plan.options, policy: plan.inputs.policy, generator: plan.generatorName, budget: plan.budget, seed: plan.settings.seed)
    }
}
