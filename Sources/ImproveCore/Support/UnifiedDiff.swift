/// A line-based unified diff (the format `diff -u` writes), for showing people what a
/// promotion changes.
public enum UnifiedDiff {
    /// The diff from `old` to `new`, with `context` unchanged lines around each change; an
    /// empty string when the texts are equal. Lines are matched by a longest common
    /// subsequence; inputs too large for the quadratic table (more than 4 million line pairs)
    /// fall back to replacing the whole text in one hunk, which is still a correct diff.
    public static func make(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        guard old != new else { return "" }
        let a = lines(old)
        let b = lines(new)
        let ops = editScript(a, b)
        var out = "--- \(oldName)\n+++ \(newName)\n"
        for hunk in hunks(ops, context: context) {
            out += hunk
        }
        return out
    }

    enum Op: Equatable {
        case same(String), delete(String), insert(String)
    }

    static func lines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") {
            parts.removeLast()
        } else if let last = parts.popLast() {
            // A last line without its newline differs from the same line with one; mark it
            // the way `diff -u` does, on the line that follows it.
            parts.append(last + "\n\\ No newline at end of file")
        }
        return parts
    }

    static func editScript(_ a: [String], _ b: [String]) -> [Op] {
        // Trim the common prefix and suffix first: prompts usually change in one place.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let midA = Array(a[prefix..<(a.count - suffix)])
        let midB = Array(b[prefix..<(b.count - suffix)])
        var ops = a[..<prefix].map { Op.same($0) }
        if midA.count * midB.count > 4_000_000 {
            ops += midA.map { Op.delete($0) } + midB.map { Op.insert($0) }
        } else {
            ops += lcsScript(midA, midB)
        }
        ops += a[(a.count - suffix)...].map { Op.same($0) }
        return ops
    }

    private static func lcsScript(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count
        let m = b.count
        // table[i][j]: LCS length of a[i...] and b[j...], flattened.
        var table = [Int](repeating: 0, count: (n + 1) * (m + 1))
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * (m + 1) + j] = a[i] == b[j] ? table[(i + 1) * (m + 1) + j + 1] + 1 : max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
                }
            }
        }
        var ops: [Op] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(.same(a[i])); i += 1; j += 1
            } else if j < m, i == n || table[i * (m + 1) + j + 1] >= table[(i + 1) * (m + 1) + j] {
                ops.append(.insert(b[j])); j += 1
            } else {
                ops.append(.delete(a[i])); i += 1
            }
        }
        // Within a change block, show deletions before insertions, as diff -u does.
        return normalise(ops)
    }

    private static func normalise(_ ops: [Op]) -> [Op] {
        var out: [Op] = []
        var deletes: [Op] = []
        var inserts: [Op] = []
        func flush() { out += deletes + inserts; deletes = []; inserts = [] }
        for op in ops {
            switch op {
            case .same: flush(); out.append(op)
            case .delete: deletes.append(op)
            case .insert: inserts.append(op)
            }
        }
        flush()
        return out
    }

    private static func hunks(_ ops: [Op], context: Int) -> [String] {
        let changed = ops.indices.filter { if case .same = ops[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return [] }
        // Group changes whose context windows touch.
        var groups: [(start: Int, end: Int)] = []
        for index in changed {
            let start = max(0, index - context)
            let end = min(ops.count - 1, index + context)
            if let last = groups.last, start <= last.end + 1 {
                groups[groups.count - 1].end = end
            } else {
                groups.append((start, end))
            }
        }
        // Line numbers before each op, per side.
        var oldLine = [Int](repeating: 0, count: ops.count + 1)
        var newLine = [Int](repeating: 0, count: ops.count + 1)
        for (index, op) in ops.enumerated() {
            oldLine[index + 1] = oldLine[index] + (op == .insert(op.text) ? 0 : 1)
            newLine[index + 1] = newLine[index] + (op == .delete(op.text) ? 0 : 1)
        }
        return groups.map { group in
            let oldCount = oldLine[group.end + 1] - oldLine[group.start]
            let newCount = newLine[group.end + 1] - newLine[group.start]
            let oldStart = oldCount == 0 ? oldLine[group.start] : oldLine[group.start] + 1
            let newStart = newCount == 0 ? newLine[group.start] : newLine[group.start] + 1
            var text = "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for op in ops[group.start...group.end] {
                switch op {
                case .same(let line): text += " \(line)\n"
                case .delete(let line): text += "-\(line)\n"
                case .insert(let line): text += "+\(line)\n"
                }
            }
            return text
        }
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}

extension UnifiedDiff.Op {
    var text: String {
        switch self {
        case .same(let line), .delete(let line), .insert(let line): return line
        }
    }
}
