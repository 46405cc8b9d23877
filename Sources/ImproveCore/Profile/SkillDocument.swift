/// A skill as a file: YAML-like frontmatter (`name`, `description`) between `---` fences,
/// then the markdown body. The form of `skills/<name>.md` in a profile directory.
///
/// Only the two fields are accepted, each on one line, so a document renders and parses
/// back to itself exactly; anything else is a ``SkillDocumentError`` naming the line.
public struct SkillDocument: Sendable, Equatable {
    public var skill: Skill

    public init(skill: Skill) {
        self.skill = skill
    }

    /// The document text: frontmatter, then the body.
    public func render() -> String {
        "---\nname: \(skill.name)\ndescription: \(skill.description)\n---\n\(skill.body)"
    }

    /// Parses a document; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> SkillDocument {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == "---" else {
            throw SkillDocumentError(file: file, line: 1, problem: "does not start with a `---` frontmatter fence", hint: "begin the file with ---, then name: and description: lines, then ---")
        }
        guard let close = lines.dropFirst().firstIndex(of: "---") else {
            throw SkillDocumentError(file: file, line: 1, problem: "the frontmatter is never closed", hint: "end the frontmatter with a line holding only ---")
        }
        var fields: [String: (value: String, line: Int)] = [:]
        for index in 1..<close {
            let line = lines[index]
            let number = index + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw SkillDocumentError(file: file, line: number, problem: "\"\(line)\" is not a `key: value` line", hint: "frontmatter holds name: and description:")
            }
            let key = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            guard ["name", "description"].contains(key) else {
                throw SkillDocumentError(file: file, line: number, problem: "unknown frontmatter key \"\(key)\"", hint: "allowed keys: name, description")
            }
            guard fields[key] == nil else {
                throw SkillDocumentError(file: file, line: number, problem: "the key \"\(key)\" appears twice")
            }
            fields[key] = (value, number)
        }
        guard let name = fields["name"] else {
            throw SkillDocumentError(file: file, line: 1, problem: "the frontmatter has no name", hint: "add a line name: my-skill")
        }
        guard SkillRules.isValidName(name.value) else {
            throw SkillDocumentError(file: file, line: name.line, problem: "\"\(name.value)\" is not a valid skill name", hint: "kebab-case, lower-case letters, digits and single hyphens, at most \(SkillRules.maxNameLength) characters")
        }
        guard let description = fields["description"], !description.value.isEmpty else {
            throw SkillDocumentError(file: file, line: fields["description"]?.line ?? 1, problem: "the frontmatter has no description", hint: "add a line description: when to use this skill")
        }
        guard description.value.count <= SkillRules.maxDescriptionLength else {
            throw SkillDocumentError(file: file, line: description.line, problem: "the description is \(description.value.count) characters long", hint: "at most \(SkillRules.maxDescriptionLength)")
        }
        let body = lines[(close + 1)...].joined(separator: "\n")
        return SkillDocument(skill: Skill(name: name.value, description: description.value, body: body))
    }

    /// Checks that `skill` would be written and read back unchanged: a valid name and
    /// description, and a body the frontmatter parser cannot mistake for more frontmatter.
    /// Returns the problem, or nil when the skill is valid.
    public static func problem(with skill: Skill) -> String? {
        if skill.description.contains("\n") { return "the description spans several lines" }
        do {
            let parsed = try parse(SkillDocument(skill: skill).render(), file: "skill:\(skill.name)")
            return parsed.skill == skill ? nil : "the document does not read back unchanged"
        } catch let error as SkillDocumentError {
            return error.problem
        } catch {
            return "\(error)"
        }
    }
}

/// A problem in a skill document, naming the file and line.
public struct SkillDocumentError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int
    public let problem: String
    public let hint: String?

    public init(file: String, line: Int, problem: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.problem = problem
        self.hint = hint
    }

    public var description: String {
        "\(file):\(line): \(problem)" + (hint.map { " (\($0))" } ?? "")
    }
}
