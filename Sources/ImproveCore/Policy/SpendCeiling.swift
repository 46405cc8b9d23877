import Foundation

/// A limit on what every run of a store may spend together over a rolling window.
///
/// The unit is chosen by the suffix: `5usd` (or `$5`) counts dollars from the providers' price
/// tables, `20000tokens` counts input plus output tokens, `300calls` counts paid calls. The
/// embedded local model costs nothing, so a dollar ceiling never stops it; tokens and calls
/// bound it in the units it does spend.
public struct SpendCeiling: Codable, Sendable, Equatable, CustomStringConvertible {
    /// What the limit counts.
    public enum Unit: String, Codable, Sendable { case usd, tokens, calls }

    public var limit: Double
    public var unit: Unit

    /// Parses `5usd`, `$5`, `20000tokens` or `300calls`.
    public init?(parsing text: String) {
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
    public func spent(_ totals: LedgerTotals) -> Double {
        switch unit {
        case .usd: return totals.cost
        case .tokens: return Double(totals.tokens)
        case .calls: return Double(totals.calls)
        }
    }

    /// True when no new paid call may start.
    public func isReached(by totals: LedgerTotals) -> Bool { spent(totals) >= limit }

    public var description: String { format(limit) }

    /// `value` in this ceiling's unit, for messages.
    public func format(_ value: Double) -> String {
        switch unit {
        case .usd: return String(format: "$%.4f", value)
        case .tokens: return "\(Int(value)) tokens"
        case .calls: return "\(Int(value)) calls"
        }
    }
}

/// `spendCeiling:` in `policy.yaml`: a ceiling and its rolling window, for every run of a store.
public struct SpendCeilingSetting: Codable, Sendable, Equatable {
    public var ceiling: SpendCeiling
    /// The window as written (`24h`), for messages.
    public var window: String
    public var windowSeconds: Double

    public init(ceiling: SpendCeiling, window: String, windowSeconds: Double) {
        self.ceiling = ceiling
        self.window = window
        self.windowSeconds = windowSeconds
    }
}
