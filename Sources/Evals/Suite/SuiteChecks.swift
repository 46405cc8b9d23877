import Foundation
import ImproveCore

/// Consistency checks that need the whole suite, run before any model is paid.
///
/// Errors are values no reading can make work (an expected label that no label scorer lists
/// would fail every time, whatever the model says, and be counted as the model's failure).
/// Warnings are values a user could mean; `improve-cli --strict` turns them into errors.
enum SuiteChecks {
    /// Throws the first error; returns the warnings.
    static func check(_ suite: Suite, items: [LocatedItem], registry: ScorerRegistry = .builtIn) throws -> [ConfigError] {
        for (index, scorer) in suite.scorers.enumerated() {
            for located in items {
                try check(located, against: scorer, kind: registry.kind(scorer.type), index: index, suiteFile: suite.file)
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

    private static func check(_ located: LocatedItem, against scorer: ScorerConfig, kind: (any ScorerKind)?, index: Int, suiteFile: String) throws {
        let item = located.item
        func fail(_ problem: String, hint: String) -> ConfigError {
            ConfigError(file: located.file, line: located.line, field: "expected", problem: "item \(item.id): \(problem)", hint: hint)
        }
        let needsExpected = kind?.needsExpected(scorer) ?? false
        guard let expected = item.expected else {
            if needsExpected {
                throw fail("has no expected value, which the \(scorer.type) scorer \"\(scorer.name)\" (scorers[\(index)] in \(suiteFile)) needs", hint: "add expected: to the item, or give the scorer a value:")
            }
            return
        }
        if let (problem, hint) = kind?.problem(withExpected: expected, config: scorer, index: index, suiteFile: suiteFile) {
            throw fail(problem, hint: hint)
        }
    }
}
