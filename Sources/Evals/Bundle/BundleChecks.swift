import Foundation
import ImproveCore

/// Checks that need the profile and the suite together: a `{{placeholder}}` in the user template
/// that no item provides would reach the model as literal braces on every call.
enum BundleChecks {
    /// Throws the first error; returns warnings.
    static func check(profile: AgentProfile, profileFile: URL, suite: Suite) throws -> [ConfigError] {
        var warnings: [ConfigError] = []
        let lines = fieldLines(profileFile)
        // A suite of personas alone renders no item through the template: nothing to check.
        for placeholder in Template.placeholders(in: profile.userTemplate) where placeholder != "id" && !suite.items.isEmpty {
            let missing = suite.items.filter { $0.fields[placeholder] == nil }
            if missing.count == suite.items.count {
                let offered = Set(suite.items.flatMap(\.fields.keys)).union(["id"]).sorted()
                throw ConfigError(
                    file: profileFile.path, line: lines["userTemplate"], field: "userTemplate",
                    problem: "the placeholder {{\(placeholder)}} is provided by no item of \(suite.file)",
                    hint: "items provide: \(offered.map { "{{\($0)}}" }.joined(separator: ", ")); fix the spelling or add the field to the items")
            }
            if let first = missing.first {
                warnings.append(ConfigError(
                    file: profileFile.path, line: lines["userTemplate"], field: "userTemplate",
                    problem: "the placeholder {{\(placeholder)}} is missing from \(missing.count) of \(suite.items.count) items (first: \(first.id)); they would show it as literal text",
                    hint: "give every item the field \"\(placeholder)\""))
            }
        }
        for (field, text) in [("systemPrompt", profile.systemPrompt), ("strategy", profile.strategy ?? "")] {
            guard let placeholder = Template.placeholders(in: text).first else { continue }
            warnings.append(ConfigError(
                file: profileFile.path, line: lines[field], field: field,
                problem: "contains {{\(placeholder)}}, but only userTemplate is filled from items; the model would see the braces",
                hint: "move the placeholder into userTemplate"))
        }
        return warnings
    }

    /// The line of each top-level key of `file`, for messages; empty when it cannot be read.
    private static func fieldLines(_ file: URL) -> [String: Int] {
        guard let members = try? ConfigNode.load(contentsOf: file).mapping().members else { return [:] }
        var lines: [String: Int] = [:]
        for (key, value) in members { lines[key] = value.line }
        return lines
    }
}
