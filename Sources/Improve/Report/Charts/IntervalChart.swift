/// Each estimate as a dot on its confidence interval, on one shared axis, against the zero line
/// and the gate's minimum lift: a lift ships only when its whole interval lies right of `minLift`.
public struct IntervalChart: Sendable {
    /// The estimates to draw.
    public var section: IntervalSection

    /// A chart of `section`.
    public init(_ section: IntervalSection) {
        self.section = section
    }

    static let rowHeight = 30.0

    /// The chart, deterministic for the same section.
    public func svg() -> Markup {
        let frame = ChartFrame(width: 640, height: 66 + Double(section.rows.count) * Self.rowHeight, left: 150, right: 24, top: 14, bottom: 44)
        var values = section.rows.flatMap { [$0.lower, $0.upper, $0.estimate] }
        if section.showZero { values.append(0) }
        if let minLift = section.minLift { values.append(minLift) }
        let x = LinearScale(domain: LinearScale.paddedDomain(values), range: frame.xRange)
        var parts = frame.xAxis(x, caption: section.caption)
        parts += referenceLines(frame, x)
        for (index, row) in section.rows.enumerated() {
            let y = frame.top + 24 + Double(index) * Self.rowHeight
            let status = row.status.map { " \($0)" } ?? ""
            let summary = "\(row.label): \(ChartNumber.fixed(row.estimate)) [\(ChartNumber.fixed(row.lower)), \(ChartNumber.fixed(row.upper))]; \(row.detail)"
            parts.append(frame.text(row.label, x: frame.left - 10, y: y + 4, anchor: "end", cls: "label"))
            parts.append(.el("g", [("class", "mark interval\(status)")], [
                .el("title", text: summary),
                frame.line(x1: x(row.lower), y1: y, x2: x(row.upper), y2: y, cls: "span"),
                frame.line(x1: x(row.lower), y1: y - 6, x2: x(row.lower), y2: y + 6, cls: "cap"),
                frame.line(x1: x(row.upper), y1: y - 6, x2: x(row.upper), y2: y + 6, cls: "cap"),
                .el("circle", [("cx", ChartNumber.px(x(row.estimate))), ("cy", ChartNumber.px(y)), ("r", "5"), ("class", "dot")]),
            ]))
        }
        return frame.svg(name: "intervals", label: "Confidence intervals: \(section.caption)", parts)
    }

    /// The zero line and the dashed minimum, labelled on opposite sides when they are close.
    private func referenceLines(_ frame: ChartFrame, _ x: LinearScale) -> [Markup] {
        var parts: [Markup] = []
        let top = frame.top, bottom = frame.yRange.upperBound
        let minimum = section.minLift
        let coincide = minimum.map { abs($0) < 1e-12 } ?? false
        // Close lines: the larger value's label goes right, the smaller's left.
        let close = section.showZero && !coincide && minimum.map { abs(x($0) - x(0)) < 70 } == true
        func label(_ text: String, at value: Double, leftOf: Bool) -> Markup {
            frame.text(text, x: x(value) + (leftOf ? -3 : 3), y: top + 8, anchor: leftOf ? "end" : "start", cls: "ref-label")
        }
        if section.showZero {
            parts.append(frame.line(x1: x(0), y1: top, x2: x(0), y2: bottom, cls: "ref zero"))
            if !coincide { parts.append(label("0", at: 0, leftOf: close && (minimum ?? 0) > 0)) }
        }
        if let minimum {
            parts.append(frame.line(x1: x(minimum), y1: top, x2: x(minimum), y2: bottom, cls: "ref minlift"))
            let nearRightEdge = x(minimum) > frame.xRange.upperBound - 70
            let name = "\(section.referenceName ?? "minLift") \(ChartNumber.tick(minimum))"
            parts.append(label(name, at: minimum, leftOf: close ? minimum < 0 : nearRightEdge))
        }
        return parts
    }
}
