import Foundation

/// A throwaway copy of the artifact's directory for one experiment run, so the user's files
/// are never written to. `.git` is left out: the experiment has no business with history.
struct ScratchCopy {
    let root: URL

    /// Copies `directory` and writes `content` over `file` in the copy.
    static func make(of directory: URL, file: String, content: String) throws -> ScratchCopy {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("improve-artifact-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for entry in try FileManager.default.contentsOfDirectory(atPath: directory.path) where entry != ".git" {
            try FileManager.default.copyItem(at: directory.appendingPathComponent(entry), to: root.appendingPathComponent(entry))
        }
        try Data(content.utf8).write(to: root.appendingPathComponent(file))
        return ScratchCopy(root: root)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
