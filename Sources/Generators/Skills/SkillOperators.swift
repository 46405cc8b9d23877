import ImproveCore

/// Adds, swaps or drops one worked example in a skill's `## Worked examples` section: a search
/// item written the way the user template presents it, followed by its expected answer. A small
/// model copies the form of examples far better than it follows a described format.
///
/// Items of the current minibatch are never used (a child must not carry the answers to the
/// items it is judged on), labels are balanced, and the section goes at the end of the body,
/// or after the opening lines when the end lies in a protected section.
public struct SkillExamplesOperator: CandidateGenerator {
    public let name = "skill-examples"
    public static let heading = "## Worked examples"
    public let skills: [Skill]
    public let userTemplate: String
    public let protectedHeadings: [String]
    public let maxExamples: Int

    public init(skills: [Skill], userTemplate: String = "{{input}}", protectedHeadings: [String] = [], maxExamples: Int = 3) {
        self.skills = skills
        self.userTemplate = userTemplate
        self.protectedHeadings = protectedHeadings
        self.maxExamples = max(1, maxExamples)
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        guard let skill = context.skill(in: skills) else { return .exhausted(reason: "\(name) edits skill:<name> components") }
        let minibatch = Set(context.minibatch.map(\.itemID))
        let labelled = context.search.items.filter { $0.expected != nil && !minibatch.contains($0.id) }
        guard !labelled.isEmpty else { return .exhausted(reason: "the search split has no labelled items to show as examples") }
        let sections = SkillSections(skill.body)
        let index = sections.sections.firstIndex { $0.heading.trimmingCharacters(in: .whitespaces) == Self.heading }
        let current = index.map { Self.examples(in: sections.sections[$0].lines) } ?? []
        let render = { (item: EvalItem) in DemonstrationBlock.render(item, label: item.expected ?? "", template: userTemplate, maxInput: 300) }
        let unused = rng.shuffled(labelled.filter { !current.contains(render($0)) })
        let counts = Dictionary(grouping: labelled.filter { current.contains(render($0)) }, by: { $0.expected ?? "" }).mapValues(\.count)
        let ordered = unused.sorted { counts[$0.expected ?? "", default: 0] < counts[$1.expected ?? "", default: 0] }

        var options: [([String], String)] = []
        if current.count < maxExamples {
            options += ordered.prefix(6).map { (current + [render($0)], "add a worked example answered \($0.expected ?? "")") }
        }
        if !current.isEmpty {
            let slot = rng.index(below: current.count)
            options += ordered.prefix(4).map { item in
                var swapped = current
                swapped[slot] = render(item)
                return (swapped, "swap worked example \(slot + 1) for one answered \(item.expected ?? "")")
            }
            options += rng.shuffled(Array(current.indices)).map { drop in
                var fewer = current
                fewer.remove(at: drop)
                return (fewer, "drop worked example \(drop + 1)")
            }
        }
        let check = SkillEditCheck(protectedHeadings: protectedHeadings)
        for (examples, rationale) in options {
            for body in Self.placements(of: examples, in: sections, at: index) {
                if case .success(let child) = check.child(context, skill: skill, body: body, generator: name, rationale: rationale) {
                    return .candidates([child])
                }
            }
        }
        return .nothing(reason: "no new set of worked examples passes the checks on this parent")
    }

    /// Examples are separated by blank lines inside the section.
    static func examples(in lines: [String]) -> [String] {
        lines.split(whereSeparator: { $0.trimmingCharacters(in: .whitespaces).isEmpty }).map { $0.joined(separator: "\n") }
    }

    /// The body with the examples section replaced, or (when new) placed at the end, then
    /// after the opening lines; an empty set removes the section.
    private static func placements(of examples: [String], in sections: SkillSections, at index: Int?) -> [String] {
        let lines = [""] + examples.joined(separator: "\n\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [""]
        if let index {
            var edited = sections
            if examples.isEmpty { edited.sections.remove(at: index) } else { edited.sections[index].lines = lines }
            return [edited.body]
        }
        guard !examples.isEmpty else { return [] }
        var atEnd = sections
        if let last = atEnd.sections.indices.last, atEnd.sections[last].lines.last?.isEmpty == false { atEnd.sections[last].lines.append("") }
        if atEnd.sections.isEmpty, atEnd.preamble.last?.isEmpty == false { atEnd.preamble.append("") }
        atEnd.sections.append(.init(heading: heading, lines: lines))
        var early = sections
        early.sections.insert(.init(heading: heading, lines: lines), at: 0)
        return [atEnd.body, early.body]
    }
}

/// Moves one rule of a skill (a list item, or a line that says what to answer or never to do)
/// to the top of its body, where a small model is likeliest to heed it.
public struct SkillRuleFirstOperator: CandidateGenerator {
    public let name = "skill-rule-first"
    public let skills: [Skill]
    public let protectedHeadings: [String]

    public init(skills: [Skill], protectedHeadings: [String] = []) {
        self.skills = skills
        self.protectedHeadings = protectedHeadings
    }

    static let ruleWords = ["must", "always", "never", "only", "reply", "answer", "respond", "output", "do not", "don't"]

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        guard let skill = context.skill(in: skills) else { return .exhausted(reason: "\(name) edits skill:<name> components") }
        let lines = skill.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let protected = SkillPatchApplier(protectedHeadings: protectedHeadings, budget: 0).protectedLines(lines)
        let firstText = lines.firstIndex { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? 0
        let rules = lines.indices.filter { index in
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            let lower = line.lowercased()
            guard index > firstText, !protected.contains(index), !line.isEmpty, !SkillSections.isHeading(line) else { return false }
            return line.hasPrefix("- ") || line.hasPrefix("* ") || Self.ruleWords.contains { lower.contains($0) }
        }
        let check = SkillEditCheck(protectedHeadings: protectedHeadings)
        for index in rng.shuffled(rules) {
            var moved = lines
            let rule = moved.remove(at: index)
            moved.insert(rule.trimmingCharacters(in: .whitespaces), at: 0)
            let body = moved.joined(separator: "\n")
            if case .success(let child) = check.child(context, skill: skill, body: body, generator: name, rationale: "move the rule \"\(rule.trimmingCharacters(in: .whitespaces).prefix(60))\" to the top") {
                return .candidates([child])
            }
        }
        return .nothing(reason: rules.isEmpty ? "the skill has no movable rule line" : "every rule move was tried or refused")
    }
}

/// Drops one unprotected section of a skill (never the worked examples): background a small
/// model cannot use only pushes the instructions that matter further from the input.
public struct SkillSectionDropOperator: CandidateGenerator {
    public let name = "skill-drop-section"
    public let skills: [Skill]
    public let protectedHeadings: [String]

    public init(skills: [Skill], protectedHeadings: [String] = []) {
        self.skills = skills
        self.protectedHeadings = protectedHeadings
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        guard let skill = context.skill(in: skills) else { return .exhausted(reason: "\(name) edits skill:<name> components") }
        let sections = SkillSections(skill.body)
        let droppable = sections.sections.indices.filter { sections.sections[$0].heading.trimmingCharacters(in: .whitespaces) != SkillExamplesOperator.heading }
        let check = SkillEditCheck(protectedHeadings: protectedHeadings)
        for index in rng.shuffled(droppable) {
            var fewer = sections
            let dropped = fewer.sections.remove(at: index)
            if case .success(let child) = check.child(context, skill: skill, body: fewer.body, generator: name, rationale: "drop the section \"\(dropped.title)\"") {
                return .candidates([child])
            }
        }
        return .nothing(reason: droppable.isEmpty ? "the skill has no section to drop" : "every section drop was tried or refused")
    }
}
