import Foundation

/// Where an exec agent's program is, found the way the exec driver will run it: a path with a
/// slash relative to the profile directory, a bare name on a `PATH`. One lookup for the loader
/// (a `profile.yaml` error at load) and the driver (an error at start), so the two never disagree.
public enum ProgramLookup {
    /// What the lookup found.
    public enum Result: Equatable, Sendable {
        /// An executable regular file (or a link to one), as an absolute path.
        case found(String)
        /// Nothing there: the path looked at, or `PATH=<folders>` for a bare name.
        case missing(searched: String)
        /// A directory, not a file.
        case notAFile(String)
        /// A file this process may not execute.
        case notExecutable(String)
    }

    /// Looks `program` up: with a `/`, relative to `directory` (absolute paths as they are);
    /// otherwise in each folder of `path` (relative folders against `directory`), the first
    /// executable file winning and a non-executable one reported only when none is.
    public static func find(_ program: String, directory: URL, path: String) -> Result {
        if program.contains("/") {
            let url = program.hasPrefix("/") ? URL(fileURLWithPath: program) : directory.appendingPathComponent(program)
            return check(url.standardizedFileURL.path)
        }
        var notExecutable: String?
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder), relativeTo: directory).appendingPathComponent(program).standardizedFileURL.path
            switch check(candidate) {
            case .found(let found): return .found(found)
            case .notExecutable(let file): notExecutable = notExecutable ?? file
            case .missing, .notAFile: continue
            }
        }
        return notExecutable.map(Result.notExecutable) ?? .missing(searched: "PATH=\(path)")
    }

    private static func check(_ file: String) -> Result {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { return .missing(searched: file) }
        if isDirectory.boolValue { return .notAFile(file) }
        return FileManager.default.isExecutableFile(atPath: file) ? .found(file) : .notExecutable(file)
    }
}
