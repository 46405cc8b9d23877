import Foundation
import ImproveCore

/// Consistency checks that need the whole suite, run before any model is paid.
///
/// Errors are values no reading can make work (an expected label that no label scorer lists
/// would fail every time, whatever the model says, and be counted as the model's failure).
/// Warnings are values a user could mean; `improve-cli --strict` turns them into errors.
enum SuiteChecks {
    /// Types that compare the output with the item's expected value unless they set `value`.
    static let needsExpectedUnlessValue: Set<String> = ["exact", "normalized", "contains", "icontains"]

    /// Throws the first error; returns the warnings.
    static func check(_ suite: Suite, items: [LocatedItem]) throws -> [ConfigError] {
        for (index, scorer) in suite.scorers.enumerated() {
            for located in items {
                try check(located, against: scorer, index: index, suiteFile: suite.file)
            }
        }
        var warnings: [ConfigError] = []
        let emptyInputs = items.filter { ($0.item.fields["input"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        for located in emptyInputs.prefix(5) {
            warnings.append(ConfigError(
                file: located.file, line: located.line, field: "input", problem: "item \(located.item.id): the input is empty",
                hint: "give the item an input, or remove it"))
        }
        if emptyInputs.count > 5 {
            warnings.append(ConfigError(file: suite.file, line: nil, field: "items", problem: "\(emptyInputs.count - 5) more items have an empty input"))
        }
        return warnings
    }

    private static func check(_ located: LocatedItem, against scorer: ScorerConfig, index: Int, suiteFile: String) throws {
        let item = located.item
        func fail(_ problem: String, hint: String) -> ConfigError {
            ConfigError(file: located.file, line: located.line, field: "expected", problem: "item \(item.id): \(problem)", hint: hint)
        }
        let needsExpected: Bool
        switch scorer.type {
        case "label", "numeric": needsExpected = true
        case "json": needsExpected = scorer.params["path"]?.stringValue != nil
        default: needsExpected = needsExpectedUnlessValue.contains(scorer.type) && scorer.params["value"]?.stringValue == nil
        }
        guard let expected = item.expected else {
            if needsExpected {
                throw fail("has no expected value, which the \(scorer.type) scorer \"\(scorer.name)\" (scorers[\(index)] in \(suiteFile)) needs", hint: "add expected: to the item, or give the scorer a value:")
            }
            return
        }
        switch scorer.type {
        case "label":
            let labels = scorer.labels
            guard labels.contains(where: { TextNormal.normalise($0) == TextNormal.normalise(expected) }) else {
                var hint = "use one of the labels (\(labels.joined(separator: ", "))) or add \"\(expected)\" to scorers[\(index)].labels in \(suiteFile)"
                if Double(expected) != nil || labels.contains(where: { Double($0) != nil }) {
                    hint += "; numbers lose trailing zeros in JSON (1.0 is read as 1): quote number-like labels in both files"
                }
                throw fail("the expected label \"\(expected)\" is not one of the labels of scorer \"\(scorer.name)\"", hint: hint)
            }
        case "numeric":
            guard Double(expected.trimmingCharacters(in: .whitespaces)) != nil else {
                throw fail("the expected value \"\(expected.prefix(40))\" is not a number, which the numeric scorer \"\(scorer.name)\" needs", hint: "write a number such as 42 or 3.5")
            }
        default:
            break
        }
    }
}
