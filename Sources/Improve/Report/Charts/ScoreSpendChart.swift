/// Search score against spend: one point per scored candidate at the metric calls the search
/// had spent when it was scored, the Pareto frontier (nothing cheaper scored as well) as a step
/// line, the winner ringed, and each dropped proposal as a tick on the spend axis (iterations that
/// proposed nothing are left out).
public struct ScoreSpendChart: Sendable {
    /// Kept candidates, drawn as points.
    public var candidates: [CandidatePoint]
    /// Dropped proposals, drawn as ticks on the spend axis.
    public var rejected: [RejectedProposal]
    /// Caption of the vertical axis.
    public var scoreAxis: String
    /// Caption of the horizontal axis.
    public var spendAxis: String

    /// A chart; nil captions mean the search mean score against metric calls.
    public init(candidates: [CandidatePoint], rejected: [RejectedProposal], scoreAxis: String? = nil, spendAxis: String? = nil) {
        self.candidates = candidates
        self.rejected = rejected
        self.scoreAxis = scoreAxis ?? "search mean score"
        self.spendAxis = spendAxis ?? "metric calls spent by the search"
    }

    /// The candidates no other candidate beats on both spend (lower) and score (higher), cheapest
    /// first. Ties keep the earlier candidate only.
    public static func frontier(_ points: [CandidatePoint]) -> [CandidatePoint] {
        let ordered = points.enumerated().sorted { a, b in
            if a.element.spentMetricCalls != b.element.spentMetricCalls { return a.element.spentMetricCalls < b.element.spentMetricCalls }
            if a.element.searchMean != b.element.searchMean { return a.element.searchMean > b.element.searchMean }
            return a.offset < b.offset
        }.map(\.element)
        var best = -Double.infinity
        var frontier: [CandidatePoint] = []
        for point in ordered where point.searchMean > best {
            best = point.searchMean
            frontier.append(point)
        }
        return frontier
    }

    /// The chart, deterministic for the same candidates.
    public func svg() -> Markup {
        let frame = ChartFrame(width: 640, height: 320, left: 56, right: 24, top: 16, bottom: 48)
        let maxSpend = Double(max(1, (candidates.map(\.spentMetricCalls) + rejected.map(\.spentMetricCalls)).max() ?? 1))
        let x = LinearScale(domain: 0...maxSpend * 1.04, range: frame.xRange)
        let means = candidates.map(\.searchMean)
        let low = min(0, means.min() ?? 0), high = max(1, means.max() ?? 1)
        // A little headroom, so the best point is not cut by the top edge.
        let y = LinearScale(domain: low...(high + (high - low) * 0.04), range: frame.yRange, inverted: true)
        var parts = frame.xAxis(x, caption: spendAxis) + frame.yAxis(y, caption: scoreAxis, ticks: 6)

        for proposal in rejected where proposal.child != nil {
            let px = x(Double(proposal.spentMetricCalls)), base = frame.yRange.upperBound
            parts.append(.el("g", [("class", "mark rug")], [
                .el("title", text: "#\(proposal.iteration) \(proposal.generator) dropped: \(proposal.reason)"),
                frame.line(x1: px, y1: base - 7, x2: px, y2: base, cls: "rug-tick"),
            ]))
        }
        let frontier = Self.frontier(candidates)
        if let first = frontier.first {
            var path = "M\(ChartNumber.px(x(Double(first.spentMetricCalls)))) \(ChartNumber.px(y(first.searchMean)))"
            for point in frontier.dropFirst() {
                path += " H\(ChartNumber.px(x(Double(point.spentMetricCalls)))) V\(ChartNumber.px(y(point.searchMean)))"
            }
            path += " H\(ChartNumber.px(x(maxSpend)))"
            parts.append(.el("path", [("d", path), ("class", "mark frontier")]))
        }
        let onFrontier = Set(frontier.map(\.id))
        for point in candidates {
            var cls = "mark point"
            if onFrontier.contains(point.id) { cls += " pareto" }
            if point.isBaseline { cls += " baseline" }
            if point.isWinner { cls += " winner" }
            let cx = ChartNumber.px(x(Double(point.spentMetricCalls))), cy = ChartNumber.px(y(point.searchMean))
            let tip = "\(point.id.prefix(12)) (\(point.generator)): \(scoreAxis) \(ChartNumber.fixed(point.searchMean)); \(spendAxis): \(point.spentMetricCalls)" + (point.rationale.isEmpty ? "" : ". \(point.rationale)")
            parts.append(.el("circle", [("cx", cx), ("cy", cy), ("r", point.isWinner ? "7" : "5"), ("class", cls)], [.el("title", text: tip)]))
            if point.isWinner || point.isBaseline {
                parts.append(frame.text(point.isWinner ? "winner" : "baseline", x: x(Double(point.spentMetricCalls)) + 10, y: y(point.searchMean) - 8, cls: "point-label"))
            }
        }
        return frame.svg(name: "score-spend", label: "Search score against metric calls spent, Pareto frontier marked", parts)
    }
}
