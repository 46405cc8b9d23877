import Foundation
import ImproveCore

/// Classification scoring: the first label of the label set mentioned in the output is the
/// prediction. With `exclusive` (the default) the output passes only when it names the
/// expected label and no other, so "positive or negative" never counts as right.
public struct LabelMatchScorer: Scorer {
    public let name: String
    public let labels: [String]
    public let exclusive: Bool

    public init(name: String = "label", labels: [String], exclusive: Bool = true) {
        self.name = name
        self.labels = labels
        self.exclusive = exclusive
    }

    /// The labels mentioned in `output` as whole words, in order of first appearance.
    public func mentioned(in output: String) -> [String] {
        let words = " " + TextNormal.normalise(output) + " "
        return labels
            .compactMap { label -> (String, String.Index)? in
                let needle = " " + TextNormal.normalise(label) + " "
                return words.range(of: needle).map { (label, $0.lowerBound) }
            }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        guard let expected = item.expected else {
            throw ScorerError(scorer: name, problem: "item \(item.id) has no expected label")
        }
        let found = mentioned(in: output)
        let allowed = labels.joined(separator: ", ")
        guard let first = found.first else {
            return .pass(false, "Expected the label \"\(expected)\" but the output named none of the labels (\(allowed)). Output: \"\(TextNormal.preview(output))\". Answer with exactly one of the labels.")
        }
        if TextNormal.normalise(first) != TextNormal.normalise(expected) {
            return .pass(false, "Expected \"\(expected)\" but the output said \"\(first)\". Output: \"\(TextNormal.preview(output))\".")
        }
        if exclusive, found.count > 1 {
            return .pass(false, "The output named \"\(expected)\" but also \(found.dropFirst().map { "\"\($0)\"" }.joined(separator: ", ")); name exactly one label. Output: \"\(TextNormal.preview(output))\".")
        }
        return .pass(true, "Correct: \"\(expected)\".")
    }
}
