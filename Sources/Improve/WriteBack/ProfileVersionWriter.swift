import Foundation
import ImproveCore

/// Writes a shipped candidate as the next profile version beside the original.
public enum ProfileVersionWriter {
    /// The file a shipped profile goes to: `profile.v<N>.yaml` next to `profile.yaml`, or the
    /// original file itself when `inPlace`.
    public static func destination(for original: URL, version: Int, inPlace: Bool) -> URL {
        inPlace ? original : original.deletingLastPathComponent().appendingPathComponent("profile.v\(version).yaml")
    }

    /// The shipped profile: version bumped, parent hash and run recorded in metadata.
    public static func nextVersion(of winner: AgentProfile, parent: AgentProfile, runID: String) -> AgentProfile {
        var next = winner
        next.version = parent.version + 1
        next.metadata["parentHash"] = .string(parent.contentHash)
        next.metadata["improveRun"] = .string(runID)
        return next
    }

    /// Writes atomically; refuses to overwrite an existing version file with different content,
    /// so a rerun can never silently clobber a version someone already reviewed.
    @discardableResult
    public static func write(_ profile: AgentProfile, originalFile: URL, inPlace: Bool) throws -> URL {
        let url = destination(for: originalFile, version: profile.version, inPlace: inPlace)
        let text = try ProfileWriter.yaml(profile)
        if !inPlace, let existing = try? String(contentsOf: url, encoding: .utf8), existing != text {
            throw PreflightError(problem: "\(url.path) already exists with other content; move it away or pass --in-place")
        }
        try AtomicFile.write(Data(text.utf8), to: url)
        return url
    }
}
