import ImproveCore

/// The checks every model-free skill edit passes before it is proposed, the same ones the
/// anchored-patch optimiser applies: protected text unchanged (same lines, same order, nothing
/// new inside a protected section), a skill document that reads back, the length cap, and not
/// an edit already tried or rejected.
struct SkillEditCheck {
    let protectedHeadings: [String]

    /// A child of the context's parent with `body` as the skill's new body, or nil with why not.
    func child(_ context: ProposalContext, skill: Skill, body: String, generator: String, rationale: String) -> Result<Candidate, Refusal> {
        guard let old = context.parent.candidate.components[context.component] else { return .failure(Refusal("the parent has no \(context.component)")) }
        let applier = SkillPatchApplier(protectedHeadings: protectedHeadings, budget: 0)
        let oldLines = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let newLines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let kept = applier.protectedLines(oldLines).sorted().map { oldLines[$0] }
        let now = applier.protectedLines(newLines).sorted().map { newLines[$0] }
        guard kept == now else { return .failure(Refusal("the edit would change a protected section")) }
        if let problem = SkillDocument.problem(with: Skill(name: skill.name, description: skill.description, body: body)) {
            return .failure(Refusal("the edited skill is not a valid document: \(problem)"))
        }
        guard body.count <= context.settings.maxComponentLength else {
            return .failure(Refusal("the edited skill is \(body.count) characters, over the cap of \(context.settings.maxComponentLength)"))
        }
        let candidate = context.child(setting: context.component, to: body, generator: generator, rationale: rationale)
        guard context.isNew(candidate.components) else { return .failure(Refusal("already tried")) }
        return .success(candidate)
    }

    /// Why an edit was not proposed.
    struct Refusal: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

/// A skill body cut at its markdown headings: the lines before the first heading, then one
/// section per heading (any level) with the lines down to the next heading.
struct SkillSections: Equatable {
    var preamble: [String]
    var sections: [Section]

    struct Section: Equatable {
        var heading: String
        var lines: [String]

        /// The heading's text without `#`s.
        var title: String { heading.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces) }
    }

    init(_ body: String) {
        preamble = []
        sections = []
        for line in body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if Self.isHeading(line) {
                sections.append(Section(heading: line, lines: []))
            } else if sections.isEmpty {
                preamble.append(line)
            } else {
                sections[sections.count - 1].lines.append(line)
            }
        }
    }

    var body: String {
        (preamble + sections.flatMap { [$0.heading] + $0.lines }).joined(separator: "\n")
    }

    static func isHeading(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let hashes = trimmed.prefix { $0 == "#" }.count
        return (1...6).contains(hashes) && trimmed.dropFirst(hashes).first == " "
    }
}

extension ProposalContext {
    /// The skill a `skill:<name>` component names, from `skills` (or a stand-in).
    func skill(in skills: [Skill]) -> Skill? {
        guard component.hasPrefix("skill:"), let body = parent.candidate.components[component] else { return nil }
        let name = String(component.dropFirst("skill:".count))
        return skills.first { $0.name == name }.map { Skill(name: $0.name, description: $0.description, body: body) }
            ?? Skill(name: name, description: "(no description)", body: body)
    }
}
