import Foundation
import ImproveCore

/// The scorer kinds a suite may name, looked up by `type`.
///
/// ``builtIn`` is the one list of the scorers `improve` ships; a library user extends it
/// with `ScorerRegistry.builtIn + [MyScorerKind()]` and passes the result to
/// ``ProfileBundle/load(directory:suiteFile:scorers:)`` (or ``SuiteLoader`` and
/// ``EvaluationSetup``). There is no global registration: each load says which kinds it accepts.
public struct ScorerRegistry: Sendable {
    /// The kinds, in the order `--help` and errors list them.
    public let kinds: [any ScorerKind]

    /// The scorers `improve` ships. Adding a scorer: one file, one line here.
    public static let builtIn = ScorerRegistry([
        LabelScorerKind(),
        EqualityScorerKind(type: "exact", normalised: false),
        EqualityScorerKind(type: "normalized", normalised: true),
        ContainsScorerKind(type: "contains", caseInsensitive: false),
        ContainsScorerKind(type: "icontains", caseInsensitive: true),
        RegexScorerKind(),
        LengthScorerKind(),
        NumericScorerKind(),
        JSONScorerKind(),
        JudgeScorerKind(),
        CommandScorerKind(),
    ])

    /// A registry of `kinds`; a later kind with the same `type` replaces an earlier one.
    public init(_ kinds: [any ScorerKind]) {
        self.kinds = kinds.replacingEarlier { $0.type }
    }

    /// The accepted `type:` values.
    public var types: [String] { kinds.map(\.type) }

    /// The kind named `type`, or nil.
    public func kind(_ type: String) -> (any ScorerKind)? {
        kinds.first { $0.type == type }
    }

    /// The scorer for an entry.
    /// - Throws: ``ScorerError`` for an unknown type or unusable parameters.
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment = ScorerEnvironment()) throws -> any Scorer {
        guard let kind = kind(config.type) else { throw ScorerError(scorer: config.name, problem: "unknown scorer type \(config.type)") }
        return try kind.make(config, environment: environment)
    }

    /// True when any of `configs` calls the judge model.
    public func usesJudge(_ configs: [ScorerConfig]) -> Bool {
        configs.contains { kind($0.type)?.usesJudge ?? false }
    }

    /// This registry with `extra` kinds added (replacing built-ins of the same type).
    public static func + (registry: ScorerRegistry, extra: [any ScorerKind]) -> ScorerRegistry {
        ScorerRegistry(registry.kinds + extra)
    }
}
