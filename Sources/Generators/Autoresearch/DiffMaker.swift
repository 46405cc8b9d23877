/// Writes a unified diff between two texts (line LCS, 3 lines of context), for showing
/// what autoresearch kept. Meant for the small files autoresearch edits: quadratic in lines.
public enum DiffMaker {
    public static func unified(from old: String, to new: String, path: String) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if a == b { return "" }
        // lcs[i][j]: length of the longest common subsequence of a[i...] and b[j...].
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        // The edit script: (prefix, old line number, new line number, text).
        var script: [(Character, Int, Int, String)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                script.append((" ", i, j, a[i])); i += 1; j += 1
            } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                // Removals before additions, as diff(1) and patch readers expect.
                script.append(("-", i, j, a[i])); i += 1
            } else {
                script.append(("+", i, j, b[j])); j += 1
            }
        }
        let changed = script.indices.filter { script[$0].0 != " " }
        var output = ["--- a/\(path)", "+++ b/\(path)"]
        var start = 0
        while start < changed.count {
            var end = start
            while end + 1 < changed.count, changed[end + 1] - changed[end] <= 6 { end += 1 }
            let from = max(0, changed[start] - 3), to = min(script.count - 1, changed[end] + 3)
            let slice = script[from...to]
            let oldCount = slice.filter { $0.0 != "+" }.count, newCount = slice.filter { $0.0 != "-" }.count
            let oldStart = (slice.first?.1 ?? 0) + (oldCount == 0 ? 0 : 1)
            let newStart = (slice.first?.2 ?? 0) + (newCount == 0 ? 0 : 1)
            output.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            output.append(contentsOf: slice.map { "\($0.0)\($0.3)" })
            start = end + 1
        }
        return output.joined(separator: "\n") + "\n"
    }
}
