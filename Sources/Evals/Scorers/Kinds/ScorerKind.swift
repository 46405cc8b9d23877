import Foundation
import ImproveCore

/// One `scorers[].type` of `suite.yaml`: everything `improve` needs to know about a kind of
/// scorer, in one place — the keys it accepts, whether it compares with an item's expected
/// value, whether it calls the judge model, and how it is built.
///
/// To add a scorer, write one file with a type conforming to `ScorerKind` (and its
/// ``Scorer``), then add it to ``ScorerRegistry/builtIn`` — or, from outside the package, pass
/// `ScorerRegistry.builtIn + [MyScorerKind()]` to the loaders.
public protocol ScorerKind: Sendable {
    /// The `type:` value that selects this scorer in `suite.yaml`.
    var type: String { get }
    /// The parameter keys an entry of this type may set besides `type`, `name` and `weight`;
    /// any other key is rejected with a "did you mean" error.
    var parameterKeys: [String] { get }
    /// True when the scorer calls the judge model, so the `judge` role must be allowed.
    var usesJudge: Bool { get }
    /// Builds the scorer for an entry, or throws a ``ScorerError`` naming what is wrong.
    /// - Parameters:
    ///   - config: the entry as written in `suite.yaml`.
    ///   - environment: the judge client, journal and working directory.
    func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer
    /// Checks the whole entry once it is known to build (e.g. a label scorer's labels),
    /// throwing `node.error(...)` (a `ConfigError` with file and line).
    func validate(_ config: ScorerConfig, at node: ConfigNode) throws
    /// True when every item must carry an `expected` value for this entry.
    func needsExpected(_ config: ScorerConfig) -> Bool
    /// Checks an item's expected value against the entry, returning the problem and its fix,
    /// or nil when the value is usable.
    func problem(withExpected expected: String, config: ScorerConfig, index: Int, suiteFile: String) -> (problem: String, hint: String)?
}

extension ScorerKind {
    /// Most scorers grade the text alone.
    public var usesJudge: Bool { false }
    /// Nothing beyond ``make(_:environment:)`` to check.
    public func validate(_ config: ScorerConfig, at node: ConfigNode) throws {}
    /// Most scorers do not read the expected value.
    public func needsExpected(_ config: ScorerConfig) -> Bool { false }
    /// Any expected value is usable.
    public func problem(withExpected expected: String, config: ScorerConfig, index: Int, suiteFile: String) -> (problem: String, hint: String)? { nil }
}
