import Foundation
import ImproveProcess

/// Records each kept change as a commit on a branch of its own, `improve/<run>`, in the git
/// repository holding the artifact, using only plumbing (`hash-object`, `read-tree` into a
/// private index file, `update-index`, `write-tree`, `commit-tree`, `update-ref`).
///
/// The user's HEAD, index, working tree and current branch are never touched: the commit is
/// built in a temporary index (`GIT_INDEX_FILE`) and only the `improve/<run>` ref moves. The
/// branch starts at the commit HEAD pointed to when the first change was kept.
public struct GitBranchRecorder: Sendable {
    /// The repository's top-level directory.
    public let repository: URL
    /// The edited file's path inside the repository.
    public let path: String
    /// The full branch name, `improve/<run>`.
    public let branch: String

    /// A recorder when `directory` is inside a git work tree, nil otherwise (or without git).
    public static func detect(directory: URL, file: String, run: String) async -> GitBranchRecorder? {
        guard let top = try? await git(["rev-parse", "--show-toplevel"], in: directory), !top.isEmpty,
              let prefix = try? await git(["rev-parse", "--show-prefix"], in: directory) else { return nil }
        return GitBranchRecorder(repository: URL(fileURLWithPath: top), path: prefix + file, branch: "improve/\(run)")
    }

    /// Commits `content` as the file's new version on the branch; returns the commit id.
    /// Idempotent: when the branch tip already has exactly this tree (a resumed run
    /// replaying a kept attempt), the tip is returned and nothing is written.
    public func commit(content: String, message: String) async throws -> String {
        let ref = "refs/heads/\(branch)"
        let existing = try? await Self.git(["rev-parse", "--verify", "-q", "\(ref)^{commit}"], in: repository)
        let parent: String? = (existing?.isEmpty == false) ? existing : (try? await Self.git(["rev-parse", "--verify", "-q", "HEAD^{commit}"], in: repository))
        let blob = try await Self.git(["hash-object", "-w", "--stdin"], in: repository, input: content)
        var mode = "100644"
        if let parent, let entry = try? await Self.git(["ls-tree", parent, "--", path], in: repository), let first = entry.split(separator: " ").first, !first.isEmpty {
            mode = String(first)
        }
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("improve-index-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: index) }
        let environment = ["GIT_INDEX_FILE": index.path]
        if let parent {
            _ = try await Self.git(["read-tree", parent], in: repository, environment: environment)
        } else {
            _ = try await Self.git(["read-tree", "--empty"], in: repository, environment: environment)
        }
        _ = try await Self.git(["update-index", "--add", "--cacheinfo", "\(mode),\(blob),\(path)"], in: repository, environment: environment)
        let tree = try await Self.git(["write-tree"], in: repository, environment: environment)
        if let parent, existing?.isEmpty == false, (try? await Self.git(["rev-parse", "\(parent)^{tree}"], in: repository)) == tree {
            return parent
        }
        var identity: [String: String] = [:]
        if (try? await Self.git(["config", "user.name"], in: repository))?.isEmpty ?? true {
            identity = ["GIT_AUTHOR_NAME": "improve", "GIT_AUTHOR_EMAIL": "improve@localhost", "GIT_COMMITTER_NAME": "improve", "GIT_COMMITTER_EMAIL": "improve@localhost"]
        }
        let commit = try await Self.git(["commit-tree", tree] + (parent.map { ["-p", $0] } ?? []) + ["-m", message], in: repository, environment: identity)
        _ = try await Self.git(["update-ref", ref, commit] + (existing?.isEmpty == false ? [existing ?? ""] : [String(repeating: "0", count: 40)]), in: repository)
        return commit
    }

    /// The longest a single git plumbing command may take before it is killed.
    static let timeoutSeconds: Double = 300

    /// Runs git and returns its trimmed stdout; a non-zero exit is a ``GitError``.
    @discardableResult
    static func git(_ arguments: [String], in directory: URL, input: String? = nil, environment: [String: String] = [:]) async throws -> String {
        let result = try await TimedProcess.run(
            ["git"] + arguments, input: Data((input ?? "").utf8), in: directory, environment: environment, timeout: timeoutSeconds)
        guard result.exitCode == 0, !result.timedOut else {
            let stderr = result.timedOut ? "no answer within \(timeoutSeconds) s" : result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitError(arguments: arguments, status: result.exitCode, stderr: stderr)
        }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A git command that failed.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    public var arguments: [String]
    public var status: Int32
    public var stderr: String

    public var description: String {
        "git \(arguments.joined(separator: " ")) exited with \(status): \(stderr)"
    }
}
