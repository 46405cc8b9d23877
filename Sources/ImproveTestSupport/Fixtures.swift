import Foundation

/// Files and directories for tests: the repository's own example profiles, copied into
/// throw-away directories so a test can let a run write beside them.
public enum Fixtures {
    /// The package root (the directory holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// A fresh empty directory under the system temporary directory.
    public static func temporaryDirectory(_ label: String = "improve-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of `Profiles/<name>` in a fresh temporary directory.
    public static func copyOfProfile(_ name: String) throws -> URL {
        let destination = try temporaryDirectory(name).appendingPathComponent(name)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Profiles").appendingPathComponent(name), to: destination)
        // Only the checked-in files: a local main-job run leaves written versions and run records
        // behind (git ignores them), and tests must start from what a clean clone has.
        let fm = FileManager.default
        for entry in try fm.contentsOfDirectory(atPath: destination.path) where entry == "runs" || Self.isWrittenVersion(entry) {
            try fm.removeItem(at: destination.appendingPathComponent(entry))
        }
        return destination
    }

    /// `profile.v2.yaml` and later: versions `improve run` writes next to the profile.
    static func isWrittenVersion(_ name: String) -> Bool {
        name.hasPrefix("profile.v") && name.hasSuffix(".yaml")
    }

    /// Replaces `old` by `new` in a text file (for tests that vary a profile's YAML).
    public static func edit(_ file: URL, replacing old: String, with new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    /// The SHA-256 hex of a file's bytes, or nil when it does not exist.
    public static func fileDigest(_ url: URL) -> Data? {
        FileManager.default.contents(atPath: url.path)
    }
}
