/// The outer box of a chart: its size, the margins around the plot area, and the axes.
///
/// Every chart is an `<svg>` with a `viewBox` (it scales with the page), a `data-chart` name
/// and `role="img"` with a label; its drawn data carry the class `mark`, so a test can count them.
struct ChartFrame {
    var width: Double
    var height: Double
    var left: Double
    var right: Double
    var top: Double
    var bottom: Double

    /// Pixel range of the plot area, horizontally and vertically.
    var xRange: ClosedRange<Double> { left...(width - right) }
    var yRange: ClosedRange<Double> { top...(height - bottom) }

    func svg(name: String, label: String, extra: [(String, String?)] = [], _ children: [Markup]) -> Markup {
        .el("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(ChartNumber.px(width)) \(ChartNumber.px(height))"),
            ("width", ChartNumber.px(width)), ("height", ChartNumber.px(height)),
            ("class", "chart"), ("data-chart", name), ("role", "img"), ("aria-label", label),
        ] + extra, [.el("title", text: label)] + children)
    }

    /// A horizontal axis along the bottom with ticks, light grid lines and a caption.
    func xAxis(_ scale: LinearScale, caption: String, ticks: Int = 6) -> [Markup] {
        let y = yRange.upperBound
        var parts: [Markup] = [line(x1: xRange.lowerBound, y1: y, x2: xRange.upperBound, y2: y, cls: "axis")]
        for tick in scale.ticks(count: ticks) {
            let x = scale(tick)
            parts.append(line(x1: x, y1: yRange.lowerBound, x2: x, y2: y, cls: "grid"))
            parts.append(text(ChartNumber.tick(tick), x: x, y: y + 14, anchor: "middle", cls: "tick"))
        }
        parts.append(text(caption, x: (xRange.lowerBound + xRange.upperBound) / 2, y: height - 4, anchor: "middle", cls: "caption"))
        return parts
    }

    /// A vertical axis on the left with ticks, light grid lines and a caption.
    func yAxis(_ scale: LinearScale, caption: String, ticks: Int = 5) -> [Markup] {
        let x = xRange.lowerBound
        var parts: [Markup] = [line(x1: x, y1: yRange.lowerBound, x2: x, y2: yRange.upperBound, cls: "axis")]
        for tick in scale.ticks(count: ticks) {
            let y = scale(tick)
            parts.append(line(x1: x, y1: y, x2: xRange.upperBound, y2: y, cls: "grid"))
            parts.append(text(ChartNumber.tick(tick), x: x - 6, y: y + 4, anchor: "end", cls: "tick"))
        }
        parts.append(.el("text", [("class", "caption"), ("transform", "translate(12 \(ChartNumber.px((yRange.lowerBound + yRange.upperBound) / 2))) rotate(-90)"), ("text-anchor", "middle")], text: caption))
        return parts
    }

    func line(x1: Double, y1: Double, x2: Double, y2: Double, cls: String) -> Markup {
        .el("line", [("x1", ChartNumber.px(x1)), ("y1", ChartNumber.px(y1)), ("x2", ChartNumber.px(x2)), ("y2", ChartNumber.px(y2)), ("class", cls)])
    }

    func text(_ content: String, x: Double, y: Double, anchor: String = "start", cls: String) -> Markup {
        .el("text", [("x", ChartNumber.px(x)), ("y", ChartNumber.px(y)), ("text-anchor", anchor), ("class", cls)], text: content)
    }
}
