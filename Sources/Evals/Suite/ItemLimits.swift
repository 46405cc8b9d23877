import Foundation
import ImproveCore

/// The per-item limits of ``InputLimits``: how many items, how long an input (or any other field
/// a template may render) and an expected value may be. A 20 MB input is refused here, with its
/// file and line, before it can be sent to a model.
enum ItemLimits {
    /// Checks one item; `count` is how many items the suite holds with this one.
    static func check(_ item: EvalItem, file: String, line: Int?, limits: InputLimits, count: Int) throws {
        if count > limits.maxItems {
            throw ConfigError(
                file: file, line: line, field: "items", problem: "the suite has more than \(limits.maxItems) items",
                hint: InputLimits.hint(\.maxItems, in: limits, unit: "items"))
        }
        for (name, value) in item.fields.sorted(by: { $0.key < $1.key }) where isOver(value, limits.maxInputChars) {
            throw ConfigError(
                file: file, line: line, field: name, problem: "item \(item.id): is \(value.count) characters long, over the limit",
                hint: InputLimits.hint(\.maxInputChars, in: limits, unit: "characters"))
        }
        if let expected = item.expected, isOver(expected, limits.maxExpectedChars) {
            throw ConfigError(
                file: file, line: line, field: "expected", problem: "item \(item.id): is \(expected.count) characters long, over the limit",
                hint: InputLimits.hint(\.maxExpectedChars, in: limits, unit: "characters"))
        }
    }

    /// Characters never outnumber UTF-8 bytes, so the O(n) count runs only for long texts.
    private static func isOver(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count > limit && text.count > limit
    }
}
