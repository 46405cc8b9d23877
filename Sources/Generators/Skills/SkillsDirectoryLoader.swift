import Foundation
import ImproveCore

/// Loads a profile's `skills/*.md` directory into skills, in file-name order.
public enum SkillsDirectoryLoader {
    /// The skills in `directory` (every `*.md` file). A missing directory is no skills; a bad
    /// file is a ``SkillDocumentError`` naming it and the line.
    /// A file whose name differs from its skill's is an error too, which also rules out two
    /// files declaring the same skill.
    public static func load(from directory: URL) throws -> [Skill] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else {
            throw SkillDocumentError(file: directory.path, line: 1, problem: "is a file, not a directory of skills", hint: "put one <name>.md per skill in a skills/ directory")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".md") }.sorted()
        var skills: [Skill] = []
        for fileName in names {
            let url = directory.appendingPathComponent(fileName)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw SkillDocumentError(file: url.path, line: 1, problem: "cannot be read as UTF-8 text")
            }
            let skill = try SkillDocument.parse(text, file: url.path).skill
            let stem = String(fileName.dropLast(3))
            guard stem == skill.name else {
                throw SkillDocumentError(file: url.path, line: 2, problem: "declares the skill \"\(skill.name)\" but the file is named \(fileName)", hint: "rename the file to \(skill.name).md")
            }
            skills.append(skill)
        }
        return skills
    }
}
