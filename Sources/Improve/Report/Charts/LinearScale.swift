import Foundation

/// Maps a numeric domain onto a pixel range, and picks round tick values for its axis.
public struct LinearScale: Sendable, Equatable {
    /// The data values mapped.
    public var domain: ClosedRange<Double>
    /// The pixels they map to.
    public var range: ClosedRange<Double>
    /// True when the range runs backwards (SVG y grows downwards, scores grow upwards).
    public var inverted: Bool

    /// A scale; a zero-width domain is widened by one unit on each side so nothing divides by zero.
    public init(domain: ClosedRange<Double>, range: ClosedRange<Double>, inverted: Bool = false) {
        self.domain = domain.upperBound - domain.lowerBound > 1e-12 ? domain : (domain.lowerBound - 1)...(domain.upperBound + 1)
        self.range = range
        self.inverted = inverted
    }

    /// The pixel position of `value` (values outside the domain land outside the range).
    public func callAsFunction(_ value: Double) -> Double {
        let t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        let u = inverted ? 1 - t : t
        return range.lowerBound + u * (range.upperBound - range.lowerBound)
    }

    /// About `count` evenly spaced round values (1, 2 or 5 times a power of ten) inside the domain.
    public func ticks(count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span.isFinite, span > 0 else { return [] }
        let rough = span / Double(max(count, 1))
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        var value = (domain.lowerBound / step).rounded(.up) * step
        var ticks: [Double] = []
        while value <= domain.upperBound + step * 1e-9 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return ticks
    }

    /// A domain around `values` padded by `padding` of its span on each side (one unit when flat).
    public static func paddedDomain(_ values: [Double], padding: Double = 0.08) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        let span = high - low > 1e-12 ? high - low : 1
        return (low - span * padding)...(high + span * padding)
    }
}

/// Numbers as charts and tables print them: fixed digits, no locale, `-0` shown as `0`.
public enum ChartNumber {
    /// `value` with `digits` decimals.
    public static func fixed(_ value: Double, _ digits: Int = 3) -> String {
        let text = String(format: "%.\(digits)f", value)
        return Double(text) == 0 ? String(format: "%.\(digits)f", 0.0) : text
    }

    /// A p-value: four decimals, or scientific notation below 0.0001.
    public static func pValue(_ value: Double) -> String {
        value < 0.0001 ? String(format: "%.1e", value) : fixed(value, 4)
    }

    /// A pixel coordinate: one decimal, so output is stable and small.
    public static func px(_ value: Double) -> String {
        fixed(value, 1)
    }

    /// A tick label: as few decimals as the value needs (at most three).
    public static func tick(_ value: Double) -> String {
        for digits in 0...3 {
            let text = fixed(value, digits)
            if abs((Double(text) ?? value) - value) < 1e-9 { return text }
        }
        return fixed(value, 3)
    }
}
