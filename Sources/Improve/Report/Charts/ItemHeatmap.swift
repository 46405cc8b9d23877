/// One square per item, coloured by what the winner did to it against the baseline (improved,
/// regressed, same; with one arm: shaded by score). Each square carries its id and scores as
/// `data-` attributes and a `<title>`, so the page's script can reorder the squares.
public struct ItemHeatmap: Sendable {
    /// The items to draw, in their suite order.
    public var section: ItemSection
    /// Squares per row.
    public var columns: Int

    /// A map of `section` with `columns` squares per row (at least one).
    public init(_ section: ItemSection, columns: Int = 30) {
        self.section = section
        self.columns = max(1, columns)
    }

    static let cell = 18.0
    static let gap = 3.0

    /// Top-left corner of the cell at `index` in reading order.
    public func position(_ index: Int) -> (x: Double, y: Double) {
        let step = Self.cell + Self.gap
        return (Double(index % columns) * step, Double(index / columns) * step)
    }

    /// The chart, deterministic for the same rows.
    public func svg() -> Markup {
        let used = min(columns, max(1, section.rows.count))
        let rows = (section.rows.count + columns - 1) / columns
        let frame = ChartFrame(
            width: Double(used) * (Self.cell + Self.gap) - Self.gap + 2, height: Double(max(1, rows)) * (Self.cell + Self.gap) - Self.gap + 2,
            left: 1, right: 1, top: 1, bottom: 1)
        var cells: [Markup] = []
        for (index, row) in section.rows.enumerated() {
            let (x, y) = position(index)
            let delta = row.reference.map { row.score - $0 }
            let shade: Double
            switch row.change {
            case "improved", "regressed": shade = 0.45 + 0.55 * min(1, abs(delta ?? 0))
            case "same": shade = 1
            default: shade = 0.12 + 0.88 * min(1, max(0, row.score))
            }
            let scores = row.reference.map { "\(section.reference ?? "reference") \(ChartNumber.fixed($0)) → \(section.comparison) \(ChartNumber.fixed(row.score))" } ?? "\(section.comparison) \(ChartNumber.fixed(row.score))"
            cells.append(.el("rect", [
                ("x", ChartNumber.px(x + 1)), ("y", ChartNumber.px(y + 1)), ("width", ChartNumber.px(Self.cell)), ("height", ChartNumber.px(Self.cell)), ("rx", "3"),
                ("class", "mark cell \(row.change)"), ("fill-opacity", ChartNumber.fixed(shade, 2)),
                ("data-index", String(index)), ("data-id", row.itemID), ("data-score", ChartNumber.fixed(row.score, 4)),
                ("data-delta", delta.map { ChartNumber.fixed($0, 4) }),
            ], [.el("title", text: "\(row.itemID): \(scores) (\(row.change))")]))
        }
        let layout: [(String, String?)] = [("data-columns", String(columns)), ("data-step", ChartNumber.px(Self.cell + Self.gap))]
        return frame.svg(name: "items", label: "Per-item scores on the \(section.split) split", extra: layout, cells)
    }
}
