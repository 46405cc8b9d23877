/// A unified diff of one file (as ``UnifiedDiff/make(old:new:oldName:newName:context:)`` or a
/// model writes it), parsed and applied without `patch(1)`.
///
/// Hunks are applied in order. A hunk's context and removed lines must match the file at the
/// position its header names, or, failing that, at the nearest position where they do (the
/// model's line numbers are often off); otherwise the whole diff is refused.
public struct DiffPatch: Sendable, Equatable {
    public struct Hunk: Sendable, Equatable {
        /// 1-based start line in the old file (0 for an empty file).
        public var oldStart: Int
        /// Lines prefixed ` ` (context), `-` (removed) or `+` (added), prefix included.
        public var lines: [String]
    }

    public var hunks: [Hunk]

    /// True when `text` looks like a unified diff (has a `@@ ... @@` hunk header).
    public static func looksLikeDiff(_ text: String) -> Bool {
        text.split(separator: "\n").contains { $0.hasPrefix("@@ ") }
    }

    /// Parses the hunks of a diff; `---`/`+++` headers and anything before the first hunk are skipped.
    public static func parse(_ text: String) throws -> DiffPatch {
        var hunks: [Hunk] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.hasPrefix("@@") {
                guard let start = oldStart(of: line) else {
                    throw DiffPatchError.badHeader(line: index + 1, text: line)
                }
                hunks.append(Hunk(oldStart: start, lines: []))
            } else if !hunks.isEmpty {
                if line.hasPrefix("\\") { continue }  // "\ No newline at end of file"
                if line.hasPrefix("--- ") || line.hasPrefix("+++ ") { continue }
                if line.isEmpty {
                    // Editors and models drop the space of an empty context line.
                    hunks[hunks.count - 1].lines.append(" ")
                } else if let first = line.first, [" ", "-", "+"].contains(first) {
                    hunks[hunks.count - 1].lines.append(line)
                } else {
                    throw DiffPatchError.badLine(line: index + 1, text: line)
                }
            }
        }
        // Trailing blank lines after the last hunk are not content.
        if var last = hunks.popLast() {
            while last.lines.last == " " { last.lines.removeLast() }
            hunks.append(last)
        }
        guard !hunks.isEmpty else { throw DiffPatchError.noHunks }
        return DiffPatch(hunks: hunks)
    }

    private static func oldStart(of header: String) -> Int? {
        // @@ -12,5 +12,6 @@ optional section
        let parts = header.split(separator: " ")
        guard parts.count >= 3, parts[0] == "@@", parts[1].hasPrefix("-") else { return nil }
        return Int(parts[1].dropFirst().split(separator: ",").first ?? "")
    }

    /// `text` with every hunk applied.
    public func apply(to text: String) throws -> String {
        let endsWithNewline = text.hasSuffix("\n")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if endsWithNewline { lines.removeLast() }
        var offset = 0
        for (number, hunk) in hunks.enumerated() {
            let old = hunk.lines.filter { !$0.hasPrefix("+") }.map { String($0.dropFirst()) }
            let new = hunk.lines.filter { !$0.hasPrefix("-") }.map { String($0.dropFirst()) }
            let expected = max(0, hunk.oldStart - 1 + offset)
            guard let at = position(of: old, in: lines, near: expected) else {
                throw DiffPatchError.hunkDoesNotApply(hunk: number + 1, oldStart: hunk.oldStart)
            }
            lines.replaceSubrange(at..<(at + old.count), with: new)
            offset += new.count - old.count
        }
        return lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }

    private func position(of old: [String], in lines: [String], near expected: Int) -> Int? {
        guard old.count <= lines.count else { return nil }
        let last = lines.count - old.count
        func matches(_ start: Int) -> Bool {
            start >= 0 && start <= last && Array(lines[start..<(start + old.count)]) == old
        }
        for distance in 0...max(lines.count, 1) {
            if matches(expected - distance) { return expected - distance }
            if matches(expected + distance) { return expected + distance }
        }
        return nil
    }
}

/// Why a diff could not be read or applied.
public enum DiffPatchError: Error, CustomStringConvertible, Equatable, Sendable {
    case noHunks
    case badHeader(line: Int, text: String)
    case badLine(line: Int, text: String)
    case hunkDoesNotApply(hunk: Int, oldStart: Int)

    public var description: String {
        switch self {
        case .noHunks: return "the diff has no @@ hunk"
        case .badHeader(let line, let text): return "diff line \(line): \"\(text)\" is not a hunk header like @@ -1,3 +1,4 @@"
        case .badLine(let line, let text): return "diff line \(line): \"\(text)\" starts with none of space, -, +"
        case .hunkDoesNotApply(let hunk, let oldStart): return "hunk \(hunk) (at old line \(oldStart)): its context and removed lines are not in the file"
        }
    }
}
