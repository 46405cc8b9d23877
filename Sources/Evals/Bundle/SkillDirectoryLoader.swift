import Foundation
import ImproveCore

/// Reads a profile's `skills/<name>/SKILL.md` files (the Agent Skills layout): front matter with
/// `name` and `description` between `---` lines, then the markdown body, parsed by
/// ``SkillDocument`` so that a skill the optimiser writes reads back the same.
enum SkillDirectoryLoader {
    /// Skills in directory-name order; a missing directory is no skills. `existing` are the
    /// names already declared in `profile.yaml`, which a file may not declare again.
    static func load(_ directory: URL, existing: [String]) throws -> [Skill] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var names = Set(existing)
        var skills: [Skill] = []
        for entry in entries where !entry.hasPrefix(".") {
            let file = directory.appendingPathComponent(entry).appendingPathComponent("SKILL.md")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            // Size limit and UTF-8 check with the failing line, as for every other input file.
            let text = try InputFile.text(file, maxBytes: InputLimits.current.maxConfigFileBytes, limit: \.maxConfigFileBytes)
            let skill = try SkillDocument.parse(text, file: file.path).skill
            guard skill.name == entry else {
                throw SkillDocumentError(file: file.path, line: 2, problem: "declares the skill \"\(skill.name)\" in the directory \(entry)", hint: "rename the directory to \(skill.name)")
            }
            guard names.insert(skill.name).inserted else {
                throw SkillDocumentError(file: file.path, line: 2, problem: "a skill named \"\(skill.name)\" already exists", hint: "skill names must be unique across profile.yaml and skills/")
            }
            skills.append(skill)
        }
        return skills
    }
}
