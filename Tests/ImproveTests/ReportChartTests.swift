import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Improve
import Testing

/// The report's charts for known data: well-formed XML, the same bytes every time, and the
/// marks the data calls for.
struct ReportChartTests {
    static let candidates = [
        CandidatePoint(id: "seed000000001", parents: [], generator: "baseline", rationale: "", searchMean: 0.25, spentMetricCalls: 20, isBaseline: true, isWinner: false),
        CandidatePoint(id: "cand000000002", parents: ["seed000000001"], generator: "format-constraint", rationale: "answer with one word <b> \u{1B}[31mred\u{1B}[0m \u{0}", searchMean: 0.55, spentMetricCalls: 48, isBaseline: false, isWinner: false),
        CandidatePoint(id: "cand000000003", parents: ["cand000000002"], generator: "completion-template", rationale: "Text: & Sentiment:", searchMean: 0.70, spentMetricCalls: 90, isBaseline: false, isWinner: true),
        CandidatePoint(id: "cand000000004", parents: ["cand000000002", "cand000000003"], generator: "merge", rationale: "", searchMean: 0.60, spentMetricCalls: 130, isBaseline: false, isWinner: false),
    ]
    static let rejected = [
        RejectedProposal(iteration: 1, parent: "seed000000001", child: "x1", generator: "reflective", rationale: "\"quoted\"", reason: "not better on minibatch", spentMetricCalls: 28),
        RejectedProposal(iteration: 4, parent: "cand000000003", child: "x4", generator: "prune", rationale: "", reason: "duplicate", spentMetricCalls: 100),
        RejectedProposal(iteration: 5, parent: "cand000000003", child: nil, generator: "", rationale: "", reason: "parent already perfect", spentMetricCalls: 104),
    ]

    static func charts() -> [(String, Markup)] {
        let intervals = IntervalSection(caption: "holdout lift", minLift: 0.05, showZero: true, rows: [
            IntervalRow(label: "winner cand0000", estimate: 0.3, lower: 0.12, upper: 0.46, status: "pass", detail: "exactMcNemar, 40 pairs"),
            IntervalRow(label: "cand000000004", estimate: 0.05, lower: -0.1, upper: 0.2, status: "fail", detail: "exactMcNemar, 40 pairs"),
        ])
        let items = ItemSection(split: "holdout", reference: "baseline", comparison: "winner", rows: (0..<45).map {
            ItemRow(itemID: "item-\($0)", reference: Double($0 % 3) / 2, score: Double($0 % 5) / 4)
        })
        return [
            ("intervals", IntervalChart(intervals).svg()),
            ("score-spend", ScoreSpendChart(candidates: candidates, rejected: rejected).svg()),
            ("items", ItemHeatmap(items).svg()),
            ("lineage", LineageTree(candidates: candidates, rejected: rejected).svg()),
        ]
    }

    @Test func everyChartIsWellFormedXMLWithItsMarks() throws {
        let expectedMarks = ["intervals": 2, "score-spend": 4 + 1 + 2, "items": 45, "lineage": 4 + 2]
        for (name, chart) in Self.charts() {
            let counter = MarkCounter()
            let parser = XMLParser(data: Data(chart.rendered.utf8))
            parser.delegate = counter
            #expect(parser.parse(), "\(name): \(parser.parserError.map { String(describing: $0) } ?? "")\n\(chart.rendered)")
            #expect(counter.root == "svg", "\(name)")
            #expect(counter.marks == expectedMarks[name], "\(name): \(counter.marks) marks")
        }
    }

    @Test func chartsAreDeterministic() {
        let first = Self.charts().map { $0.1.rendered }
        let second = Self.charts().map { $0.1.rendered }
        #expect(first == second)
        // Text from the data is escaped, never markup.
        let spend = first[1]
        #expect(spend.contains("answer with one word &lt;b&gt;"))
        #expect(!spend.contains("<b>"))
    }

    @Test func theFrontierKeepsOnlyCandidatesNothingCheaperBeats() {
        let frontier = ScoreSpendChart.frontier(Self.candidates)
        #expect(frontier.map(\.id) == ["seed000000001", "cand000000002", "cand000000003"])
        #expect(ScoreSpendChart.frontier([]).isEmpty)
    }

    @Test func theLineagePutsDroppedProposalsUnderTheirParents() {
        let nodes = LineageTree(candidates: Self.candidates, rejected: Self.rejected).layout()
        let byKey = Dictionary(uniqueKeysWithValues: nodes.map { ($0.key, $0) })
        #expect(byKey["seed000000001"]?.depth == 0)
        #expect(byKey["cand000000003"]?.depth == 2)
        #expect(byKey["proposal-4"]?.parent == "cand000000003")
        #expect(byKey["proposal-4"]?.depth == 3)
        #expect(byKey["proposal-5"] == nil, "an iteration that proposed nothing is not a node")
        #expect(byKey["cand000000003"]?.kind == "winner")
        #expect(Set(nodes.map(\.row)).count >= 3)
    }

    @Test func scaleTicksAreRoundAndInsideTheDomain() {
        let scale = LinearScale(domain: -0.13...0.47, range: 0...100)
        let ticks = scale.ticks(count: 5)
        #expect(ticks == [0, 0.2, 0.4])
        #expect(LinearScale(domain: 0...1, range: 0...1).ticks(count: 5) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(scale(-0.13) == 0)
        #expect(abs(scale(0.47) - 100) < 1e-9)
    }
}

/// Counts elements whose class list starts with `mark`, and remembers the root element.
final class MarkCounter: NSObject, XMLParserDelegate {
    var marks = 0
    var root: String?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = elementName }
        if attributes["class"]?.split(separator: " ").first == "mark" { marks += 1 }
    }
}
