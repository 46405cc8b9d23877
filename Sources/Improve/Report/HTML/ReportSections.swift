import Foundation

/// The sections of the HTML page, each drawn only when the model has its data.
struct ReportSections {
    let model: ReportModel

    func all() -> [Markup] {
        [verdict(), search(), items(), lineage(), changes(), personas(), costs()].compactMap { $0 }
    }

    func header() -> Markup {
        let profile = model.profile
        var facts = ["profile \(profile.name) v\(profile.version) (\(profile.hash.prefix(12)))"]
        if let generator = profile.generator { facts.append("generator \(generator)") }
        if let seed = profile.seed { facts.append("seed \(seed)") }
        if let runID = model.runID { facts.append(runID) }
        var children: [Markup] = [.el("h1", [], [.text(model.title)] + badge())]
        children.append(.el("p", [("class", "facts")], text: facts.joined(separator: " · ")))
        if model.usedStubOrReplay {
            children.append(.el("p", [("class", "banner")], text: "Model answers came from a stub or a cassette replay, not a live model."))
        }
        return .el("header", [], children)
    }

    private func badge() -> [Markup] {
        guard let verdict = model.verdict else { return [] }
        return [.text(" "), .el("span", [("class", "badge \(verdict.decision)")], text: verdict.decision.uppercased())]
    }

    func verdict() -> Markup? {
        guard model.verdict != nil || model.intervals != nil else { return nil }
        var children: [Markup] = [.el("h2", [], text: model.verdict == nil ? "Estimates" : "Verdict and gate")]
        if let verdict = model.verdict {
            children.append(.el("ul", [("class", "reasons")], verdict.reasons.map { .el("li", [], text: $0) }))
        }
        if let intervals = model.intervals {
            children.append(figure(IntervalChart(intervals).svg(), caption: intervals.legend ?? (intervals.minLift == nil
                ? "Dot: estimate; bar: 95% interval."
                : "Dot: lift; bar: its confidence interval. It ships only when the whole bar lies right of the dashed minLift line.")))
        }
        if let verdict = model.verdict, !verdict.checks.isEmpty {
            let rows = verdict.checks.map { check in
                Markup.el("tr", [], [.el("td", [], text: check.name), .el("td", [], [.el("span", [("class", "status \(check.status)")], text: check.status)]), .el("td", [], text: check.detail)])
            }
            children.append(table(["check", "status", "detail"], rows))
        }
        return section("verdict", children)
    }

    func search() -> Markup? {
        guard !model.candidates.isEmpty else { return nil }
        let chart = ScoreSpendChart(candidates: model.candidates, rejected: model.rejected, scoreAxis: model.scoreAxis, spendAxis: model.spendAxis)
        var children: [Markup] = [.el("h2", [], text: "Search: score against spend")]
        children.append(figure(chart.svg(), caption: "Each dot is a kept candidate, at what the search had spent when it was scored. The line is the Pareto frontier (nothing cheaper scored higher); the ringed dot is the winner; ticks on the axis are dropped proposals."))
        children += model.notes.map { .el("p", [("class", "note")], text: $0) }
        return section("search", children)
    }

    func items() -> Markup? {
        guard let items = model.items, !items.rows.isEmpty else { return nil }
        let counts = Dictionary(grouping: items.rows, by: \.change).mapValues(\.count)
        let summary = items.reference == nil
            ? "\(items.rows.count) items, shaded by score (darker is higher)."
            : ["improved", "regressed", "same"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ") + " of \(items.rows.count) \(items.split) items (\(items.comparison) against \(items.reference ?? ""))."
        let sorts = [("order", "suite order")] + (items.reference == nil ? [] : [("change", "by change")]) + [("score", "by score"), ("id", "by id")]
        let buttons: [Markup] = sorts.map { key, label in
            .el("button", [("type", "button"), ("data-sort-cells", key)], text: label)
        }
        var header = ["item"]
        if let reference = items.reference { header.append(reference) }
        header += [items.comparison, "change"]
        let rows = items.rows.map { row -> Markup in
            var cells: [Markup] = [.el("td", [], text: row.itemID)]
            if let reference = row.reference { cells.append(.el("td", [("class", "num")], text: ChartNumber.fixed(reference))) }
            else if items.reference != nil { cells.append(.el("td", [], text: "–")) }
            cells.append(.el("td", [("class", "num")], text: ChartNumber.fixed(row.score)))
            cells.append(.el("td", [], [.el("span", [("class", "status \(row.change)")], text: row.change)]))
            return .el("tr", [], cells)
        }
        return section("items", [
            .el("h2", [], text: "Per item (\(items.split) split)"),
            .el("p", [], text: summary),
            .el("div", [("class", "sorter")], [.el("span", [], text: "Sort squares: ")] + buttons),
            figure(ItemHeatmap(items).svg(), caption: items.reference == nil
                ? "One square per item, darker for a higher score. Hover a square for its score."
                : "One square per item. Green: improved; red: regressed; grey: unchanged; darker for a larger change. Hover a square for its scores."),
            .el("details", [], [.el("summary", [], text: "All items as a table (click a heading to sort)"), table(header, rows, sortable: true)]),
        ])
    }

    func lineage() -> Markup? {
        guard !model.candidates.isEmpty else { return nil }
        let tree = LineageTree(candidates: model.candidates, rejected: model.rejected)
        return section("lineage", [
            .el("h2", [], text: "Lineage"),
            figure(tree.svg(), caption: "Large dots: candidates kept (the winner highlighted); small dots: proposals dropped. Hover for generator, rationale and reason."),
        ])
    }

    func changes() -> Markup? {
        guard !model.changes.isEmpty else { return nil }
        var children: [Markup] = [.el("h2", [], text: "The change, per component")]
        for change in model.changes {
            let lines = change.diff.split(separator: "\n").map { line -> Markup in
                let cls = line.hasPrefix("+++") || line.hasPrefix("---") ? "file" : line.hasPrefix("+") ? "add" : line.hasPrefix("-") ? "del" : line.hasPrefix("@@") ? "hunk" : "ctx"
                return .el("span", [("class", cls)], text: String(line) + "\n")
            }
            children.append(.el("h3", [], [.el("code", [], text: change.component)]))
            children.append(.el("pre", [("class", "diff")], lines))
            children.append(.el("details", [], [
                .el("summary", [], text: "Full text before and after"),
                .el("div", [("class", "sides")], [
                    .el("div", [], [.el("h4", [], text: "baseline"), .el("pre", [], text: change.before)]),
                    .el("div", [], [.el("h4", [], text: "winner"), .el("pre", [], text: change.after)]),
                ]),
            ]))
        }
        return section("change", children)
    }

    func personas() -> Markup? {
        guard let personas = model.personas, !personas.rows.isEmpty || !personas.failedTrials.isEmpty else { return nil }
        let k = personas.rows.map(\.passHatK.count).max() ?? 0
        let header = ["persona", "trials", "passed", "errors"] + (0..<k).map { "pass^\($0 + 1)" }
        let rows = personas.rows.map { row -> Markup in
            let ks = (0..<k).map { index -> Markup in
                let value = index < row.passHatK.count ? row.passHatK[index] : nil
                let before = row.referencePassHatK.flatMap { index < $0.count ? $0[index] : nil }
                let text = (before.map { ChartNumber.fixed($0, 2) + " → " } ?? "") + (value.map { ChartNumber.fixed($0, 2) } ?? "–")
                return .el("td", [("class", "num"), ("style", value.map { "--v:\(ChartNumber.fixed($0, 2))" })], text: text)
            }
            return .el("tr", [], [.el("td", [], text: row.personaID), .el("td", [("class", "num")], text: String(row.trials)), .el("td", [("class", "num")], text: String(row.successes)), .el("td", [("class", "num")], text: String(row.errors))] + ks)
        }
        var children: [Markup] = [.el("h2", [], text: "Personas"), table(header, rows)]
        if personas.rows.contains(where: { $0.referencePassHatK != nil }) {
            children.append(.el("p", [("class", "note")], text: "pass^k cells read baseline → winner; trials, passes and errors are the winner's."))
        }
        if !personas.failedTrials.isEmpty {
            children.append(.el("h3", [], text: "Failed trials"))
            for trial in personas.failedTrials {
                var body: [Markup] = [.el("p", [("class", "note")], text: trial.error.map { "Error: \($0)" } ?? trial.feedback)]
                body += trial.turns.map { turn in
                    .el("div", [("class", "turn \(turn.role)")], [.el("span", [("class", "who")], text: turn.role == "user" ? "user" : turn.role == "assistant" ? "agent" : turn.role), .el("p", [], text: turn.text)])
                }
                children.append(.el("details", [("class", "transcript")], [.el("summary", [], text: "\(trial.trialID): score \(ChartNumber.fixed(trial.score))")] + body))
            }
        }
        return section("personas", children)
    }

    func costs() -> Markup? {
        var children: [Markup] = [.el("h2", [], text: "Costs, timings and models")]
        if !model.phases.isEmpty {
            let rows = model.phases.map { phase in
                Markup.el("tr", [("class", phase.phase == "total" ? "total" : nil)], [
                    .el("td", [], text: phase.phase), .el("td", [("class", "num")], text: String(phase.inputTokens)), .el("td", [("class", "num")], text: String(phase.outputTokens)),
                    .el("td", [("class", "num")], text: String(format: "$%.4f", phase.cost)), .el("td", [("class", "num")], text: phase.seconds.map { String(format: "%.1f s", $0) } ?? "–"),
                ])
            }
            children.append(table(["phase", "input tokens", "output tokens", "cost", "wall time"], rows))
        }
        var facts: [Markup] = [
            .el("dt", [], text: "models served"), .el("dd", [], text: model.modelsServed.isEmpty ? "none recorded" : model.modelsServed.joined(separator: ", ")),
            .el("dt", [], text: "stub or replay"), .el("dd", [], text: model.usedStubOrReplay ? "yes: some answers came from a stub or a cassette replay" : "no"),
        ]
        for file in model.files {
            facts += [.el("dt", [], text: file.role), .el("dd", [], [.el("code", [], text: file.path)])]
        }
        if let audit = model.auditPath {
            facts += [.el("dt", [], text: "verify"), .el("dd", [], [.el("code", [], text: "improve-cli audit verify \(audit)")])]
        }
        children.append(.el("dl", [], facts))
        return section("costs", children)
    }

    private func section(_ id: String, _ children: [Markup]) -> Markup {
        .el("section", [("id", id)], children)
    }

    private func figure(_ svg: Markup, caption: String) -> Markup {
        .el("figure", [], [.el("div", [("class", "scroll")], [svg]), .el("figcaption", [], text: caption)])
    }

    private func table(_ header: [String], _ rows: [Markup], sortable: Bool = false) -> Markup {
        .el("table", [("class", sortable ? "sortable" : nil)], [
            .el("thead", [], [.el("tr", [], header.map { .el("th", [("scope", "col")], text: $0) })]),
            .el("tbody", [], rows),
        ])
    }
}
