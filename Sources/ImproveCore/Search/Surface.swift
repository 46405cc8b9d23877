/// Which part of a profile a run may change.
public enum SurfaceKind: String, Codable, Sendable, CaseIterable {
    case prompt, skills, strategy, artifact
}

/// Reads named text components out of a profile and writes a candidate's components back.
/// Copy-on-write: `apply` returns a new profile and never mutates its input.
public protocol Surface: Sendable {
    var kind: SurfaceKind { get }
    /// The components this surface exposes for `profile`.
    func components(of profile: AgentProfile) -> [String: String]
    /// `profile` with `components` written back; unknown component names are errors.
    func apply(_ components: [String: String], to profile: AgentProfile) throws -> AgentProfile
}

/// Errors about surfaces and generator choice.
public enum SurfaceError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownComponent(surface: SurfaceKind, component: String, known: [String])
    case invalidComponent(component: String, reason: String)
    case noDefaultGenerator(surface: SurfaceKind, available: [String])
    case unknownGenerator(String, available: [String])
    case generatorDoesNotFit(generator: String, surface: SurfaceKind)

    public var description: String {
        switch self {
        case .unknownComponent(let surface, let component, let known):
            return "the \(surface.rawValue) surface has no component \"\(component)\"; known: \(known.joined(separator: ", "))"
        case .invalidComponent(let component, let reason):
            return "component \"\(component)\" is invalid: \(reason)"
        case .noDefaultGenerator(let surface, let available):
            return "the \(surface.rawValue) surface has no safe default generator; pass --generator with one of: \(available.joined(separator: ", "))"
        case .unknownGenerator(let name, let available):
            return "unknown generator \"\(name)\"; available: \(available.joined(separator: ", "))"
        case .generatorDoesNotFit(let generator, let surface):
            return "generator \(generator) cannot work on the \(surface.rawValue) surface"
        }
    }
}

/// `systemPrompt` and `userTemplate`.
public struct PromptSurface: Surface {
    public static let componentNames = ["systemPrompt", "userTemplate"]
    public init() {}
    public var kind: SurfaceKind { .prompt }

    public func components(of profile: AgentProfile) -> [String: String] {
        ["systemPrompt": profile.systemPrompt, "userTemplate": profile.userTemplate]
    }

    public func apply(_ components: [String: String], to profile: AgentProfile) throws -> AgentProfile {
        var copy = profile
        for (name, text) in components {
            switch name {
            case "systemPrompt": copy.systemPrompt = text
            case "userTemplate":
                guard text.contains("{{") else {
                    throw SurfaceError.invalidComponent(component: name, reason: "a user template must contain a placeholder such as {{input}}")
                }
                copy.userTemplate = text
            default: throw SurfaceError.unknownComponent(surface: kind, component: name, known: Self.componentNames)
            }
        }
        return copy
    }
}

/// The free-text `strategy`.
public struct StrategySurface: Surface {
    public init() {}
    public var kind: SurfaceKind { .strategy }

    public func components(of profile: AgentProfile) -> [String: String] {
        ["strategy": profile.strategy ?? ""]
    }

    public func apply(_ components: [String: String], to profile: AgentProfile) throws -> AgentProfile {
        var copy = profile
        for (name, text) in components {
            guard name == "strategy" else { throw SurfaceError.unknownComponent(surface: kind, component: name, known: ["strategy"]) }
            copy.strategy = text
        }
        return copy
    }
}

/// Each skill as a component `skill:<name>` holding the skill's body.
public struct SkillsSurface: Surface {
    public init() {}
    public var kind: SurfaceKind { .skills }

    public func components(of profile: AgentProfile) -> [String: String] {
        Dictionary(uniqueKeysWithValues: profile.skills.map { ("skill:\($0.name)", $0.body) })
    }

    public func apply(_ components: [String: String], to profile: AgentProfile) throws -> AgentProfile {
        var copy = profile
        for (name, body) in components {
            guard name.hasPrefix("skill:"), let index = copy.skills.firstIndex(where: { "skill:\($0.name)" == name }) else {
                throw SurfaceError.unknownComponent(surface: kind, component: name, known: copy.skills.map { "skill:\($0.name)" })
            }
            copy.skills[index].body = body
        }
        return copy
    }
}
