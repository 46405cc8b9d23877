/// Applies a ``SkillPatch`` to a skill body, one operation at a time, refusing what it must.
///
/// Each operation is judged on its own against the body as left by the operations before
/// it: an anchor that matches no line (or several), an edit inside a protected section, or
/// an operation beyond the edit budget is rejected with a reason, and the rest still apply.
public struct SkillPatchApplier: Sendable {
    /// Opens a protected block; the markers themselves are protected too.
    public static let protectedOpen = "<!-- protected -->"
    public static let protectedClose = "<!-- /protected -->"

    /// Heading texts (without `#`s, compared case-insensitively) whose whole section, down to
    /// the next heading of the same or a higher level, may not be edited.
    public var protectedHeadings: [String]
    /// Most operations one patch may apply; later ones are rejected.
    public var budget: Int

    public init(protectedHeadings: [String] = [], budget: Int) {
        self.protectedHeadings = protectedHeadings
        self.budget = budget
    }

    /// An operation that was not applied, and why.
    public struct Rejection: Sendable, Equatable {
        public var operation: SkillPatch.Operation
        public var reason: String
    }

    /// The patched body and what was applied or refused.
    public struct Outcome: Sendable, Equatable {
        public var body: String
        public var applied: [SkillPatch.Operation]
        public var rejected: [Rejection]
    }

    public func apply(_ patch: SkillPatch, to body: String) -> Outcome {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var applied: [SkillPatch.Operation] = []
        var rejected: [Rejection] = []
        for operation in patch.operations {
            guard applied.count < budget else {
                rejected.append(Rejection(operation: operation, reason: "over the edit budget of \(budget) operation\(budget == 1 ? "" : "s") per patch"))
                continue
            }
            if let reason = refusal(of: operation, in: &lines) {
                rejected.append(Rejection(operation: operation, reason: reason))
            } else {
                applied.append(operation)
            }
        }
        return Outcome(body: lines.joined(separator: "\n"), applied: applied, rejected: rejected)
    }

    /// Applies `operation` to `lines` and returns nil, or leaves them alone and says why not.
    private func refusal(of operation: SkillPatch.Operation, in lines: inout [String]) -> String? {
        let anchor = operation.anchor.trimmingCharacters(in: .whitespaces)
        let matches = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces) == anchor }
        guard let index = matches.first else { return "anchor \"\(operation.anchor)\" matches no line of the skill" }
        guard matches.count == 1 else { return "anchor \"\(operation.anchor)\" matches \(matches.count) lines; it must match exactly one" }
        let newLines = operation.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if newLines.contains(where: { [Self.protectedOpen, Self.protectedClose].contains($0.trimmingCharacters(in: .whitespaces)) }) {
            return "new text may not open or close a protected section"
        }
        let protected = protectedLines(lines)
        switch operation.kind {
        case .addAfter:
            // New lines may go anywhere they do not themselves end up protected: after a
            // block's closing marker is fine, after a protected section's last line is not.
            var trial = lines
            trial.insert(contentsOf: newLines, at: index + 1)
            let trialProtected = protectedLines(trial)
            if (index + 1...index + newLines.count).contains(where: trialProtected.contains) {
                return "anchor \"\(operation.anchor)\" is inside a protected section"
            }
            lines = trial
        case .delete:
            if protected.contains(index) { return "anchor \"\(operation.anchor)\" is inside a protected section" }
            lines.remove(at: index)
        case .replace:
            if protected.contains(index) { return "anchor \"\(operation.anchor)\" is inside a protected section" }
            lines.replaceSubrange(index...index, with: newLines)
        }
        return nil
    }

    /// Indices of the lines no operation may touch.
    func protectedLines(_ lines: [String]) -> Set<Int> {
        var result = Set<Int>()
        var inBlock = false
        var headingLevel: Int?
        let wanted = Set(protectedHeadings.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let (level, title) = Self.heading(line) {
                if let open = headingLevel, level <= open { headingLevel = nil }
                if wanted.contains(title.lowercased()) { headingLevel = headingLevel ?? level }
            }
            if line == Self.protectedOpen { inBlock = true }
            if inBlock || headingLevel != nil { result.insert(index) }
            if line == Self.protectedClose { inBlock = false }
        }
        return result
    }

    private static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return (hashes, line.dropFirst(hashes).trimmingCharacters(in: .whitespaces))
    }
}
