import Foundation
import Yams

/// Writes profiles as readable YAML (multi-line prompts as literal blocks) and atomically.
public enum ProfileWriter {
    /// The YAML text for a profile; ``ProfileLoader`` reads it back to an equal value.
    public static func yaml(_ profile: AgentProfile) throws -> String {
        var pairs: [(Node, Node)] = [
            ("name", text(profile.name)),
            ("version", Node(String(profile.version))),
            ("model", model(profile.model)),
            ("systemPrompt", text(profile.systemPrompt)),
            ("userTemplate", text(profile.userTemplate)),
        ]
        if !profile.skills.isEmpty {
            pairs.append(("skills", Node(profile.skills.map { skill in
                Node.mapping(Node.Mapping([("name", text(skill.name)), ("description", text(skill.description)), ("body", text(skill.body))]))
            })))
        }
        if let strategy = profile.strategy { pairs.append(("strategy", text(strategy))) }
        if !profile.metadata.isEmpty {
            let sorted = profile.metadata.keys.sorted().map { (Node($0), json(profile.metadata[$0] ?? .null)) }
            pairs.append(("metadata", Node.mapping(Node.Mapping(sorted))))
        }
        return try Yams.serialize(node: Node.mapping(Node.Mapping(pairs)), width: -1, allowUnicode: true)
    }

    /// Writes `profile` to `url` atomically (temporary file + rename), never leaving a half-written file.
    public static func write(_ profile: AgentProfile, to url: URL) throws {
        try AtomicFile.write(Data(try yaml(profile).utf8), to: url)
    }

    private static func model(_ spec: ModelSpec) -> Node {
        var pairs: [(Node, Node)] = [
            ("provider", text(spec.provider)), ("id", text(spec.id)),
            ("temperature", Node((try? CanonicalJSON.format(spec.temperature)) ?? "0")),
            ("maxTokens", Node(String(spec.maxTokens))),
        ]
        if let seed = spec.seed { pairs.append(("seed", Node(String(seed)))) }
        return Node.mapping(Node.Mapping(pairs))
    }

    /// A string node whose style keeps the exact text: literal blocks for multi-line text,
    /// double quotes when a plain scalar would be read back as something else.
    static func text(_ value: String) -> Node {
        if value.contains("\n") && !value.hasSuffix(" ") && !value.contains("\r") && !value.hasPrefix(" ") {
            return Node(value, Tag(.str), .literal)
        }
        return Node(value, Tag(.str), .doubleQuoted)
    }

    private static func json(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null")
        case .bool(let flag): return Node(flag ? "true" : "false")
        case .number(let number): return Node((try? CanonicalJSON.format(number)) ?? "0")
        case .string(let string): return text(string)
        case .array(let elements): return Node(elements.map(json))
        case .object(let members):
            return Node.mapping(Node.Mapping(members.keys.sorted().map { (Node($0), json(members[$0] ?? .null)) }))
        }
    }
}

/// Atomic file replacement: write to a sibling temporary file, fsync, rename over the target.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UInt64.random(in: 0...UInt64.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
