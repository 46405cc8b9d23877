import Foundation

/// Pulls the proposed text out of a reflection model's reply.
///
/// Models asked for "the new text inside ``` fences" answer in many shapes: with a language
/// tag after the opening fence, without the closing fence, with prose before or after, or
/// with no fences at all. The first fenced block wins; without fences a leading line that
/// introduces the answer ("Here is the new prompt:") is dropped.
public enum FencedReply {
    /// The proposed text, trimmed; nil when the reply holds no usable text.
    public static func extract(_ reply: String) -> String? {
        let text = reply.replacingOccurrences(of: "\r\n", with: "\n")
        guard let open = text.range(of: "```") else { return unfenced(text) }
        var body = text[open.upperBound...]
        // A language tag is a single token on the opening line; anything else on that line is content.
        if let newline = body.firstIndex(of: "\n") {
            let firstLine = body[..<newline].trimmingCharacters(in: .whitespaces)
            if firstLine.isEmpty || firstLine.allSatisfy({ $0.isLetter || $0.isNumber || "_+-.".contains($0) }) {
                body = body[body.index(after: newline)...]
            }
        }
        if let close = body.range(of: "```") { body = body[..<close.lowerBound] }
        let result = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return result.isEmpty ? nil : result
    }

    private static func unfenced(_ text: String) -> String? {
        var lines = text.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n")
        if lines.count > 1, let first = lines.first?.trimmingCharacters(in: .whitespaces), first.hasSuffix(":") {
            lines.removeFirst()
        }
        let result = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return result.isEmpty ? nil : result
    }
}
