import Foundation

/// Turns a model's reply into the artifact's new content: a unified diff (applied to the
/// current text) or the whole file in a code fence.
public enum ArtifactEdit {
    public static func newContent(from reply: String, current: String) throws -> String {
        let fenced = fencedBlocks(reply)
        if let diff = fenced.first(where: DiffPatch.looksLikeDiff) ?? (DiffPatch.looksLikeDiff(reply) ? reply : nil) {
            return try DiffPatch.parse(diff).apply(to: current)
        }
        guard var whole = fenced.first else { throw ArtifactEditError.noEdit }
        // Fences drop the final newline; keep the file's convention.
        if current.hasSuffix("\n"), !whole.hasSuffix("\n") { whole += "\n" }
        return whole
    }

    /// The contents of every ``` fenced block, in order.
    static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                if let open = current {
                    blocks.append(open.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(String(line))
            }
        }
        return blocks
    }
}

/// Why a reply held no usable edit.
public enum ArtifactEditError: Error, CustomStringConvertible, Equatable, Sendable {
    case noEdit

    public var description: String {
        "the reply holds neither a unified diff nor the whole file in a ``` fence"
    }
}
