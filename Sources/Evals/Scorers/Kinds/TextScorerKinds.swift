import Foundation
import ImproveCore

/// `type: exact` and `type: normalized` — the output equals `value` or the expected value.
public struct EqualityScorerKind: ScorerKind {
    /// `exact` or `normalized`.
    public let type: String
    /// True for `normalized`: compare lower-cased, without punctuation.
    public let normalised: Bool

    /// A kind named `type`.
    public init(type: String, normalised: Bool) {
        self.type = type
        self.normalised = normalised
    }

    /// `value`.
    public var parameterKeys: [String] { ["value"] }

    /// An ``EqualityScorer``.
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        EqualityScorer(name: config.name, value: config.params["value"]?.stringValue, normalised: normalised)
    }

    /// Without `value`, items compare with their expected value.
    public func needsExpected(_ config: ScorerConfig) -> Bool { config.params["value"]?.stringValue == nil }
}

/// `type: contains` and `type: icontains` — the output contains `value` or the expected value.
public struct ContainsScorerKind: ScorerKind {
    /// `contains` or `icontains`.
    public let type: String
    /// True for `icontains`.
    public let caseInsensitive: Bool

    /// A kind named `type`.
    public init(type: String, caseInsensitive: Bool) {
        self.type = type
        self.caseInsensitive = caseInsensitive
    }

    /// `value` and `negate`.
    public var parameterKeys: [String] { ["value", "negate"] }

    /// A ``ContainsScorer``.
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        let p = config.params
        return ContainsScorer(name: config.name, value: p["value"]?.stringValue, caseInsensitive: caseInsensitive, negate: p["negate"]?.boolValue ?? false)
    }

    /// Without `value`, items compare with their expected value.
    public func needsExpected(_ config: ScorerConfig) -> Bool { config.params["value"]?.stringValue == nil }
}

/// `type: regex` — the output matches `pattern`.
public struct RegexScorerKind: ScorerKind {
    /// Creates the kind.
    public init() {}
    /// `regex`.
    public var type: String { "regex" }
    /// `pattern` and `negate`.
    public var parameterKeys: [String] { ["pattern", "negate"] }

    /// A ``RegexScorer``; the pattern must be given and compile.
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        guard let pattern = config.params["pattern"]?.stringValue else { throw ScorerError(scorer: config.name, problem: "a regex scorer needs pattern") }
        do { return try RegexScorer(name: config.name, pattern: pattern, negate: config.params["negate"]?.boolValue ?? false) } catch {
            throw ScorerError(scorer: config.name, problem: "invalid regular expression /\(pattern)/")
        }
    }
}

/// `type: length` — the output's length lies within `min` and `max` characters.
public struct LengthScorerKind: ScorerKind {
    /// Creates the kind.
    public init() {}
    /// `length`.
    public var type: String { "length" }
    /// `min` and `max`.
    public var parameterKeys: [String] { ["min", "max"] }

    /// A ``LengthScorer``.
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        let p = config.params
        return LengthScorer(name: config.name, min: p["min"]?.doubleValue.map { Int($0) }, max: p["max"]?.doubleValue.map { Int($0) })
    }
}

/// `type: numeric` — the output's number is within `tolerance` of the expected number.
public struct NumericScorerKind: ScorerKind {
    /// Creates the kind.
    public init() {}
    /// `numeric`.
    public var type: String { "numeric" }
    /// `tolerance`.
    public var parameterKeys: [String] { ["tolerance"] }

    /// A ``NumericScorer``.
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        NumericScorer(name: config.name, tolerance: config.params["tolerance"]?.doubleValue ?? 0)
    }

    /// Every item names its number.
    public func needsExpected(_ config: ScorerConfig) -> Bool { true }

    /// The expected value must parse as a number.
    public func problem(withExpected expected: String, config: ScorerConfig, index: Int, suiteFile: String) -> (problem: String, hint: String)? {
        guard Double(expected.trimmingCharacters(in: .whitespaces)) == nil else { return nil }
        return ("the expected value \"\(expected.prefix(40))\" is not a number, which the numeric scorer \"\(config.name)\" needs", "write a number such as 42 or 3.5")
    }
}

/// `type: json` — the output is JSON, and the value at `path` equals the expected value.
public struct JSONScorerKind: ScorerKind {
    /// Creates the kind.
    public init() {}
    /// `json`.
    public var type: String { "json" }
    /// `path`.
    public var parameterKeys: [String] { ["path"] }

    /// A ``JSONScorer``.
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        JSONScorer(name: config.name, path: config.params["path"]?.stringValue)
    }

    /// With a `path`, the value there is compared with the expected value.
    public func needsExpected(_ config: ScorerConfig) -> Bool { config.params["path"]?.stringValue != nil }
}
