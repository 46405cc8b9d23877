import Foundation
import ImproveCore

/// `external:<shell command>`: runs the command and speaks the JSON-lines protocol of
/// ``ExternalGenerator`` with it. It makes its own model calls, outside this process and
/// its guard, so it does not count as using the reflection role.
public struct ExternalGeneratorKind: GeneratorKind {
    /// The prefix of an external generator's name.
    public static let prefix = "external:"

    /// Creates the kind.
    public init() {}
    /// `external:<command>`, as help lists it.
    public var name: String { "\(Self.prefix)<command>" }
    /// Every surface the candidate search runs on (artifacts run through autoresearch).
    public var surfaces: Set<SurfaceKind> { [.prompt, .skills, .strategy] }

    /// Any `external:` name with a command after the prefix.
    public func accepts(_ requested: String) -> Bool { Self.command(requested) != nil }

    /// The shell command of an `external:<command>` name, or nil for any other name.
    public static func command(_ name: String) -> String? {
        guard name.hasPrefix(prefix) else { return nil }
        let command = name.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        return command.isEmpty ? nil : command
    }

    /// An ``ExternalGenerator`` running the command under `/bin/sh -c`.
    public func make(_ request: GeneratorRequest) throws -> any CandidateGenerator {
        guard let command = Self.command(request.name) else { throw SurfaceError.unknownGenerator(request.name, available: [name]) }
        return ExternalGenerator(command: ["/bin/sh", "-c", command])
    }
}
