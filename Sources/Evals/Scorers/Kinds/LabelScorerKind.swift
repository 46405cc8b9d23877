import Foundation
import ImproveCore

/// `type: label` — finds which of `labels` the output names (``LabelMatchScorer``).
public struct LabelScorerKind: ScorerKind {
    /// The `type:` value of a label scorer (also read by ``ScorerConfig/labels``).
    public static let typeName = "label"

    /// Creates the kind.
    public init() {}

    /// `label`.
    public var type: String { Self.typeName }
    /// `labels` and `exclusive`.
    public var parameterKeys: [String] { ["labels", "exclusive"] }

    /// A ``LabelMatchScorer`` over the entry's labels (`exclusive` defaults to true).
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        LabelMatchScorer(name: config.name, labels: config.labels, exclusive: config.params["exclusive"]?.boolValue ?? true)
    }

    /// At least two labels, which stay distinct once case and punctuation are ignored.
    public func validate(_ config: ScorerConfig, at node: ConfigNode) throws {
        if config.labels.count < 2 {
            throw node.error("a label scorer needs at least two labels", hint: "labels: [positive, negative]")
        }
        try Self.checkDistinct(config.labels, at: node)
    }

    /// Labels the label scorer could not tell apart (it compares lower-cased, without
    /// punctuation) are an error, not a coin toss.
    static func checkDistinct(_ labels: [String], at node: ConfigNode) throws {
        var seen: [String: String] = [:]
        for label in labels {
            let normal = TextNormal.normalise(label)
            guard !normal.isEmpty else {
                throw node.error("the label \"\(label)\" has no letters or digits", hint: "the label scorer ignores case and punctuation, so it could never find this label")
            }
            if let first = seen[normal] {
                throw node.error("the labels \"\(first)\" and \"\(label)\" are the same once case and punctuation are ignored", hint: "keep one of them")
            }
            seen[normal] = label
        }
    }

    /// Every item names its label.
    public func needsExpected(_ config: ScorerConfig) -> Bool { true }

    /// The expected label must be one of the scorer's labels.
    public func problem(withExpected expected: String, config: ScorerConfig, index: Int, suiteFile: String) -> (problem: String, hint: String)? {
        let labels = config.labels
        guard !labels.contains(where: { TextNormal.normalise($0) == TextNormal.normalise(expected) }) else { return nil }
        var hint = "use one of the labels (\(labels.joined(separator: ", "))) or add \"\(expected)\" to scorers[\(index)].labels in \(suiteFile)"
        if Double(expected) != nil || labels.contains(where: { Double($0) != nil }) {
            hint += "; numbers lose trailing zeros in JSON (1.0 is read as 1): quote number-like labels in both files"
        }
        return ("the expected label \"\(expected)\" is not one of the labels of scorer \"\(config.name)\"", hint)
    }
}
