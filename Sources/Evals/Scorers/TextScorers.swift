import Foundation
import ImproveCore

/// Exact equality with the expected value (or a fixed `value`), optionally normalised.
public struct EqualityScorer: Scorer {
    public let name: String
    public let value: String?
    public let normalised: Bool

    public init(name: String, value: String? = nil, normalised: Bool) {
        self.name = name
        self.value = value
        self.normalised = normalised
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        guard let expected = value ?? item.expected else {
            throw ScorerError(scorer: name, problem: "item \(item.id) has no expected value and the scorer sets no value")
        }
        let same = normalised
            ? TextNormal.normalise(output) == TextNormal.normalise(expected)
            : output.trimmingCharacters(in: .whitespacesAndNewlines) == expected
        return .pass(same, same ? "Matches the expected answer." : "Expected exactly \"\(TextNormal.preview(expected))\" but got \"\(TextNormal.preview(output))\".")
    }
}

/// Substring presence (or absence with `negate`), case-sensitive or not.
public struct ContainsScorer: Scorer {
    public let name: String
    public let value: String?
    public let caseInsensitive: Bool
    public let negate: Bool

    public init(name: String, value: String? = nil, caseInsensitive: Bool, negate: Bool = false) {
        self.name = name
        self.value = value
        self.caseInsensitive = caseInsensitive
        self.negate = negate
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        guard let needle = value ?? item.expected else {
            throw ScorerError(scorer: name, problem: "item \(item.id) has no expected value and the scorer sets no value")
        }
        let found = caseInsensitive ? output.lowercased().contains(needle.lowercased()) : output.contains(needle)
        let passed = found != negate
        let verb = negate ? "must not contain" : "must contain"
        return .pass(passed, passed ? "The output \(verb.replacingOccurrences(of: "must ", with: "does ")) \"\(needle)\"." : "The output \(verb) \"\(needle)\". Output: \"\(TextNormal.preview(output))\".")
    }
}

/// A regular expression that must (or with `negate`, must not) match.
public struct RegexScorer: Scorer {
    public let name: String
    public let pattern: String
    public let negate: Bool
    private let regex: NSRegularExpression

    public init(name: String, pattern: String, negate: Bool = false) throws {
        self.name = name
        self.pattern = pattern
        self.negate = negate
        self.regex = try NSRegularExpression(pattern: pattern)
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        let matched = regex.firstMatch(in: output, range: NSRange(output.startIndex..., in: output)) != nil
        let passed = matched != negate
        return .pass(passed, passed ? "Matches the required pattern." : "The output \(negate ? "must not" : "must") match /\(pattern)/. Output: \"\(TextNormal.preview(output))\".")
    }
}

/// Output length within bounds (characters); partial credit falls off linearly outside them.
public struct LengthScorer: Scorer {
    public let name: String
    public let min: Int?
    public let max: Int?

    public init(name: String, min: Int?, max: Int?) {
        self.name = name
        self.min = min
        self.max = max
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        let count = output.count
        if let min, count < min {
            return ScoreResult(score: Double(count) / Double(Swift.max(min, 1)), passed: false, feedback: "The output has \(count) characters, fewer than the minimum \(min).")
        }
        if let max, count > max {
            return ScoreResult(score: Double(max) / Double(count), passed: false, feedback: "The output has \(count) characters, more than the maximum \(max); be more concise.")
        }
        return .pass(true, "Length \(count) is within bounds.")
    }
}

/// The first number in the output must be within `tolerance` of the expected number.
public struct NumericScorer: Scorer {
    public let name: String
    public let tolerance: Double

    public init(name: String, tolerance: Double) {
        self.name = name
        self.tolerance = tolerance
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        guard let text = item.expected, let expected = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw ScorerError(scorer: name, problem: "item \(item.id) has no numeric expected value")
        }
        let pattern = #"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"#
        guard let range = output.range(of: pattern, options: .regularExpression), let got = Double(output[range]) else {
            return .pass(false, "Expected the number \(text) but the output contains no number. Output: \"\(TextNormal.preview(output))\".")
        }
        let passed = abs(got - expected) <= tolerance
        return .pass(passed, passed ? "\(got) is within \(tolerance) of \(text)." : "Expected \(text) (±\(tolerance)) but got \(got).")
    }
}

/// The output must be valid JSON; with `path`, the value at that path must equal the expected value.
public struct JSONScorer: Scorer {
    public let name: String
    /// Dotted path with optional indices: `answer.items[0].label`.
    public let path: String?

    public init(name: String, path: String?) {
        self.name = name
        self.path = path
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        let body = Self.stripFence(output)
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) else {
            return .pass(false, "The output is not valid JSON. Output: \"\(TextNormal.preview(output))\".")
        }
        guard let path else { return .pass(true, "Valid JSON.") }
        guard let expected = item.expected else {
            throw ScorerError(scorer: name, problem: "item \(item.id) has no expected value for path \(path)")
        }
        guard let found = Self.lookup(path, in: value) else {
            return .pass(false, "The JSON has no value at \(path); expected \"\(expected)\" there.")
        }
        let text = found.stringValue ?? ((try? CanonicalJSON.string(found)) ?? "")
        let passed = text == expected
        return .pass(passed, passed ? "\(path) is \"\(expected)\"." : "Expected \(path) to be \"\(expected)\" but it is \"\(TextNormal.preview(text))\".")
    }

    static func stripFence(_ text: String) -> String {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("```") {
            body = String(body.drop(while: { $0 != "\n" }).dropFirst())
            if let end = body.range(of: "```", options: .backwards) { body = String(body[..<end.lowerBound]) }
        }
        return body
    }

    static func lookup(_ path: String, in value: JSONValue) -> JSONValue? {
        var current: JSONValue? = value
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indices: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"), let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indices.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { current = current?[String(name)] }
            for index in indices {
                guard let array = current?.arrayValue, array.indices.contains(index) else { return nil }
                current = array[index]
            }
        }
        return current
    }
}
