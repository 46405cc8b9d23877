import Foundation
import ImproveCore

/// Reads `skills/<name>/SKILL.md` files: YAML front matter with `name` and `description`
/// between `---` lines, then the markdown body.
enum SkillDirectoryLoader {
    static func load(_ directory: URL, existing: [String]) throws -> [Skill] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var names = Set(existing)
        var skills: [Skill] = []
        for entry in entries where !entry.hasPrefix(".") {
            let file = directory.appendingPathComponent(entry).appendingPathComponent("SKILL.md")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let skill = try parse(file)
            guard names.insert(skill.name).inserted else {
                throw ConfigError(file: file.path, line: 1, field: "name", problem: "a skill named \"\(skill.name)\" already exists", hint: "skill names must be unique across profile.yaml and skills/")
            }
            skills.append(skill)
        }
        return skills
    }

    static func parse(_ file: URL) throws -> Skill {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        let lines = text.components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        else {
            throw ConfigError(file: file.path, line: 1, field: "", problem: "has no front matter", hint: "start with ---, name: kebab-name, description: ..., ---")
        }
        let front = try ConfigNode.parse(lines[1..<end].joined(separator: "\n"), file: file.path).mapping()
        try front.rejectUnknownKeys(["name", "description"])
        let nameNode = try front.required("name")
        let name = try nameNode.nonEmptyString()
        guard SkillRules.isValidName(name) else {
            throw nameNode.error("\"\(name)\" is not a valid skill name", hint: "kebab-case, at most \(SkillRules.maxNameLength) characters")
        }
        let description = try front.required("description").nonEmptyString()
        let body = lines[(end + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return Skill(name: name, description: description, body: body)
    }
}
