/// Each estimate as a dot on its confidence interval, on one shared axis, against the zero line
/// and the gate's minimum lift: a lift ships only when its whole interval lies right of `minLift`.
public struct IntervalChart: Sendable {
    public var section: IntervalSection

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
        let minLiftIsZero = section.minLift.map { abs($0) < 1e-12 } ?? false
        if section.showZero {
            parts.append(frame.line(x1: x(0), y1: frame.top, x2: x(0), y2: frame.yRange.upperBound, cls: "ref zero"))
            if !minLiftIsZero { parts.append(frame.text("0", x: x(0) + 3, y: frame.top + 8, cls: "ref-label")) }
        }
        if let minLift = section.minLift {
            parts.append(frame.line(x1: x(minLift), y1: frame.top, x2: x(minLift), y2: frame.yRange.upperBound, cls: "ref minlift"))
            parts.append(frame.text("minLift \(ChartNumber.tick(minLift))", x: x(minLift) + 3, y: frame.top + 8, cls: "ref-label"))
        }
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
}
