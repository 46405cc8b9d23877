import ArgumentParser
import Foundation
import ImproveCore

/// A limit on what every run of a store may spend together over a rolling window.
///
/// The unit is chosen by the suffix: `5usd` (or `$5`) counts dollars from the providers' price
/// tables, `20000tokens` counts input plus output tokens, `300calls` counts paid calls. The
/// embedded local model costs nothing, so a dollar ceiling never stops it; tokens and calls
/// bound it in the units it does spend.
struct SpendCeiling: Equatable, CustomStringConvertible {
    enum Unit: String { case usd, tokens, calls }

    var limit: Double
    var unit: Unit

    /// Parses `5usd`, `$5`, `20000tokens` or `300calls`.
    init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasPrefix("$"), let value = Double(trimmed.dropFirst()) {
            (limit, unit) = (value, .usd)
        } else if let unit = [Unit.usd, .tokens, .calls].first(where: { trimmed.hasSuffix($0.rawValue) }),
            let value = Double(trimmed.dropLast(unit.rawValue.count).trimmingCharacters(in: .whitespaces))
        {
            (limit, self.unit) = (value, unit)
        } else {
            return nil
        }
        guard limit >= 0 else { return nil }
    }

    /// The ledger's figure in this ceiling's unit.
    func spent(_ totals: LedgerTotals) -> Double {
        switch unit {
        case .usd: return totals.cost
        case .tokens: return Double(totals.tokens)
        case .calls: return Double(totals.calls)
        }
    }

    /// True when no new paid call may start.
    func isReached(by totals: LedgerTotals) -> Bool { spent(totals) >= limit }

    var description: String { format(limit) }

    func format(_ value: Double) -> String {
        switch unit {
        case .usd: return String(format: "$%.4f", value)
        case .tokens: return "\(Int(value)) tokens"
        case .calls: return "\(Int(value)) calls"
        }
    }
}

extension SpendCeiling: ExpressibleByArgument {
    init?(argument: String) { self.init(parsing: argument) }
}
