/// The candidates' family tree, left to right: the baseline at the root, every kept candidate
/// under its first parent (a merge's second parent gets a dashed edge), every dropped proposal
/// as a leaf under the candidate it came from (iterations that proposed nothing are left out). Hovering a node shows generator, rationale and
/// why it was kept or dropped.
public struct LineageTree: Sendable {
    /// Kept candidates, the baseline first.
    public var candidates: [CandidatePoint]
    /// Dropped proposals, drawn as leaves under their parents.
    public var rejected: [RejectedProposal]

    /// A tree of `candidates` and `rejected` proposals.
    public init(candidates: [CandidatePoint], rejected: [RejectedProposal]) {
        self.candidates = candidates
        self.rejected = rejected
    }

    /// A node of the laid-out tree.
    public struct Node: Sendable, Equatable {
        /// The candidate id, or `proposal-<iteration>` for a dropped proposal.
        public var key: String
        /// The key of the node drawn as its parent (nil for the root).
        public var parent: String?
        /// Generations from the root (the column).
        public var depth: Int
        /// Row (leaves take one row each; a parent sits at the middle of its children).
        public var row: Double
        /// `baseline`, `winner`, `accepted` or `rejected` (the CSS class).
        public var kind: String
        /// Text beside the node.
        public var label: String
        /// The hover text: generator, rationale, why kept or dropped.
        public var tip: String
    }

    /// Nodes in drawing order with depth and row; deterministic for the same input.
    public func layout() -> [Node] {
        var nodes: [String: Node] = [:]
        var children: [String: [String]] = [:]
        var order: [String] = []
        let known = Set(candidates.map(\.id))
        let root = candidates.first { $0.isBaseline }?.id ?? candidates.first?.id
        func add(_ node: Node) {
            guard nodes[node.key] == nil else { return }
            nodes[node.key] = node
            order.append(node.key)
            if let parent = node.parent { children[parent, default: []].append(node.key) }
        }
        for point in candidates {
            let parent = point.id == root ? nil : (point.parents.first { known.contains($0) } ?? root)
            let kind = point.isWinner ? "winner" : (point.isBaseline ? "baseline" : "accepted")
            let tip = "\(point.id.prefix(12)) by \(point.generator), kept: search mean \(ChartNumber.fixed(point.searchMean))" + (point.rationale.isEmpty ? "" : ". \(point.rationale)")
            add(Node(key: point.id, parent: parent, depth: 0, row: 0, kind: kind, label: point.isBaseline ? "baseline" : point.generator, tip: tip))
        }
        for proposal in rejected where proposal.child != nil {
            let parent = known.contains(proposal.parent) ? proposal.parent : root
            let what = "\(proposal.child.map { String($0.prefix(12)) } ?? "") by \(proposal.generator)"
            let tip = "#\(proposal.iteration) \(what), dropped: \(proposal.reason)" + (proposal.rationale.isEmpty ? "" : ". \(proposal.rationale)")
            add(Node(key: "proposal-\(proposal.iteration)", parent: parent, depth: 0, row: 0, kind: "rejected", label: "#\(proposal.iteration) \(proposal.generator)", tip: tip))
        }
        var nextRow = 0.0
        func place(_ key: String, depth: Int) {
            guard var node = nodes[key] else { return }
            let kids = children[key] ?? []
            for kid in kids { place(kid, depth: depth + 1) }
            node.depth = depth
            if kids.isEmpty {
                node.row = nextRow
                nextRow += 1
            } else {
                let rows = kids.compactMap { nodes[$0]?.row }
                node.row = ((rows.min() ?? 0) + (rows.max() ?? 0)) / 2
            }
            nodes[key] = node
        }
        for key in order where nodes[key]?.parent == nil { place(key, depth: 0) }
        return order.compactMap { nodes[$0] }
    }

    static let width = 720.0
    static let labelRoom = 150.0
    static let rowHeight = 16.0

    /// The chart, deterministic for the same input.
    public func svg() -> Markup {
        let nodes = layout()
        let depth = Double(nodes.map(\.depth).max() ?? 0)
        let rows = (nodes.map(\.row).max() ?? 0) + 1
        // Columns share the width left after the labels of the deepest nodes, at most 220 px each.
        let columnWidth = depth > 0 ? min(220, (Self.width - 20 - Self.labelRoom) / depth) : 0
        let frame = ChartFrame(width: Self.width, height: 24 + rows * Self.rowHeight, left: 20, right: Self.labelRoom, top: 12, bottom: 12)
        let byKey = Dictionary(nodes.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var edges: [Markup] = []
        var marks: [Markup] = []
        for node in nodes {
            let (x, y) = point(node, frame, columnWidth)
            if let parent = node.parent.flatMap({ byKey[$0] }) {
                let (px, py) = point(parent, frame, columnWidth)
                let mid = (px + x) / 2
                let d = "M\(ChartNumber.px(px)) \(ChartNumber.px(py)) C\(ChartNumber.px(mid)) \(ChartNumber.px(py)) \(ChartNumber.px(mid)) \(ChartNumber.px(y)) \(ChartNumber.px(x)) \(ChartNumber.px(y))"
                edges.append(.el("path", [("d", d), ("class", "edge \(node.kind)")]))
            }
            marks.append(.el("g", [("class", "mark node \(node.kind)")], [
                .el("title", text: node.tip),
                .el("circle", [("cx", ChartNumber.px(x)), ("cy", ChartNumber.px(y)), ("r", node.kind == "rejected" ? "3.5" : "6")]),
            ] + (node.label.isEmpty ? [] : [frame.text(node.label, x: x + 9, y: y + 4, cls: node.kind == "rejected" ? "node-label minor" : "node-label")])))
        }
        for candidate in candidates where candidate.parents.count > 1 {
            guard let child = byKey[candidate.id] else { continue }
            for parent in candidate.parents.dropFirst().compactMap({ byKey[$0] }) {
                let (px, py) = point(parent, frame, columnWidth), (x, y) = point(child, frame, columnWidth)
                edges.append(frame.line(x1: px, y1: py, x2: x, y2: y, cls: "edge merge"))
            }
        }
        return frame.svg(name: "lineage", label: "Candidate lineage: kept and dropped proposals", edges + marks)
    }

    private func point(_ node: Node, _ frame: ChartFrame, _ columnWidth: Double) -> (Double, Double) {
        (frame.left + Double(node.depth) * columnWidth, frame.top + node.row * Self.rowHeight)
    }
}
