import Foundation
import ImproveCore

/// Prints the warnings found while loading a profile directory and, under `--strict`, refuses
/// to go on while there are any (before the store is opened, so nothing is written).
enum InputWarnings {
    /// Raised under `--strict` when the inputs have warnings.
    struct StrictRefusal: Error, CustomStringConvertible {
        let count: Int
        var description: String {
            "--strict: \(count) warning\(count == 1 ? "" : "s") above; fix them (or drop --strict) and run again"
        }
    }

    static func report(_ warnings: [ConfigError], strict: Bool) throws {
        for warning in warnings { Terminal.note("warning: \(warning.description)") }
        if strict, !warnings.isEmpty { throw StrictRefusal(count: warnings.count) }
    }
}
