import Foundation

/// Finds an exec agent's program before anything starts, so a typo is an error at start that
/// names what was searched, not a unit failing later with `env`'s exit status 127.
enum ExecutableLookup {
    /// The absolute path of `program`: a path with a slash is taken relative to `directory`
    /// (the profile directory, the agent's working directory); a bare name is looked up on `path`.
    /// - Throws: ``AgentStartError`` when it is missing or not executable.
    static func resolve(_ program: String, directory: URL, path: String) throws(AgentStartError) -> String {
        let files = FileManager.default
        if program.contains("/") {
            let candidate = program.hasPrefix("/") ? URL(fileURLWithPath: program) : directory.appendingPathComponent(program)
            let resolved = candidate.standardizedFileURL.path
            guard files.fileExists(atPath: resolved) else { throw .commandNotFound(command: program, searched: resolved) }
            guard executable(resolved) else { throw .notExecutable(path: resolved) }
            return resolved
        }
        let folders = path.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        var found: String?
        for folder in folders {
            let candidate = URL(fileURLWithPath: folder, relativeTo: directory).appendingPathComponent(program).standardizedFileURL.path
            guard files.fileExists(atPath: candidate) else { continue }
            if executable(candidate) { return candidate }
            found = found ?? candidate
        }
        if let found { throw .notExecutable(path: found) }
        throw .commandNotFound(command: program, searched: "PATH=\(path)")
    }

    /// A regular file (or a link to one) this process may execute; a directory is not.
    private static func executable(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
