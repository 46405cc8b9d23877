import Foundation
import Yams

/// Keeps hostile or broken YAML from hanging or exhausting the loader.
///
/// Yams 6.2.2 resolves an alias by sharing the anchored node, so composing a "billion laughs"
/// file is cheap, but everything that walks the tree afterwards pays for every expanded node;
/// and Yams hashes mapping keys deeply to find duplicates, so an alias bomb used as a *key*
/// hangs inside `compose` itself. Its composer also recurses once per nesting level. So:
///
/// 1. ``scan(_:file:limits:)`` reads the text before Yams does: it counts aliases, refuses
///    non-scalar keys (an alias, a list or a mapping as a key: no config file needs one), and
///    refuses nesting deep enough to threaten the stack.
/// 2. ``measure(_:file:limits:)`` walks the composed tree once, counting each anchored subtree
///    once (memoised by position), and refuses files whose expanded size or depth is over the limit.
enum YAMLGuard {
    /// Indentation plus inline indicators on one line beyond which the composer's recursion
    /// is not risked, whatever `maxDepth` says (no real config is indented 1000 columns).
    static let hardNestingCap = 1000

    // MARK: Before composing

    static func scan(_ text: String, file: String, limits: InputLimits) throws {
        var scanner = Scanner(bytes: Array(text.utf8))
        let findings = scanner.run()
        if let problem = findings.problem {
            throw ConfigError(file: file, line: problem.line, field: "", problem: problem.text, hint: problem.hint)
        }
        if findings.aliases > limits.maxAliases {
            throw ConfigError(
                file: file, line: findings.lastAliasLine, field: "", problem: "has \(findings.aliases) YAML aliases, over the limit",
                hint: InputLimits.hint(\.maxAliases, in: limits, unit: "aliases"))
        }
        if findings.flowDepth > limits.maxDepth {
            throw ConfigError(
                file: file, line: findings.deepestLine, field: "", problem: "nests [ ] / { } \(findings.flowDepth) levels deep, over the limit",
                hint: InputLimits.hint(\.maxDepth, in: limits, unit: "levels"))
        }
        if findings.nestingEstimate > hardNestingCap {
            throw ConfigError(
                file: file, line: findings.deepestLine, field: "", problem: "is indented or nested more than \(hardNestingCap) levels",
                hint: "flatten the structure; no setting needs this depth")
        }
    }

    struct Problem {
        var line: Int
        var text: String
        var hint: String?
    }

    struct Findings {
        var aliases = 0
        var lastAliasLine = 1
        var flowDepth = 0
        var nestingEstimate = 0
        var deepestLine = 1
        var problem: Problem?
    }

    /// A deliberately small YAML lexer: it knows comments, quoted and block scalars, flow
    /// brackets and where a node may start, which is all it takes to find aliases and keys.
    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var findings = Findings()

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        private static let space: UInt8 = 0x20, tab: UInt8 = 0x09, newline: UInt8 = 0x0A, ret: UInt8 = 0x0D

        private func byte(_ offset: Int = 0) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        private func isBlank(_ value: UInt8?) -> Bool {
            value == nil || value == Self.space || value == Self.tab || value == Self.newline || value == Self.ret
        }

        private func isFlowIndicator(_ value: UInt8?) -> Bool {
            value == UInt8(ascii: ",") || value == UInt8(ascii: "[") || value == UInt8(ascii: "]") || value == UInt8(ascii: "{") || value == UInt8(ascii: "}")
        }

        mutating func run() -> Findings {
            var flowDepth = 0
            var blockParentIndent: Int?
            while index < bytes.count, findings.problem == nil {
                // Start of a line: measure indentation.
                var indent = 0
                while let value = byte(), value == Self.space { indent += 1; index += 1 }
                let rest = byte()
                let blankLine = rest == Self.newline || rest == Self.ret || rest == nil
                if blankLine || blockParentIndent.map({ indent > $0 }) == true {
                    skipToLineEnd()
                    endLine()
                    continue
                }
                blockParentIndent = nil
                var inlineIndicators = 0
                var nodeStart = true
                while let value = byte(), value != Self.newline, findings.problem == nil {
                    if value == Self.space || value == Self.tab || value == Self.ret { index += 1; continue }
                    if value == UInt8(ascii: "#"), index == 0 || isBlank(bytes[index - 1]) { skipToLineEnd(); break }
                    if nodeStart {
                        switch value {
                        case UInt8(ascii: "&"):
                            skipAnchorName()
                            continue
                        case UInt8(ascii: "!"):
                            skipTag()
                            continue
                        case UInt8(ascii: "*"):
                            findings.aliases += 1
                            findings.lastAliasLine = line
                            skipAnchorName()
                            if followedByKeyColon(flow: flowDepth > 0) {
                                fail("uses an alias as a mapping key", hint: "keys must be plain text; write the key out")
                            }
                            nodeStart = false
                            continue
                        case UInt8(ascii: "\""), UInt8(ascii: "'"):
                            skipQuoted(value)
                            nodeStart = false
                            if followedByKeyColon(flow: flowDepth > 0) { index += 1; nodeStart = true; inlineIndicators += 1 }
                            continue
                        case UInt8(ascii: "|"), UInt8(ascii: ">"):
                            blockParentIndent = indent
                            skipToLineEnd()
                            continue
                        case UInt8(ascii: "["), UInt8(ascii: "{"):
                            flowDepth += 1
                            record(depth: flowDepth, estimate: indent + inlineIndicators + flowDepth)
                            index += 1
                            continue
                        case UInt8(ascii: "-") where isBlank(byte(1)):
                            inlineIndicators += 1
                            index += 1
                            continue
                        case UInt8(ascii: "?") where isBlank(byte(1)):
                            fail("uses an explicit key (? ...)", hint: "keys must be plain text on one line")
                            continue
                        default:
                            break
                        }
                    }
                    switch value {
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        flowDepth = max(0, flowDepth - 1)
                        index += 1
                        nodeStart = false
                        if followedByKeyColon(flow: flowDepth > 0) {
                            fail("uses a list or mapping as a mapping key", hint: "keys must be plain text")
                        }
                    case UInt8(ascii: "[") where flowDepth > 0, UInt8(ascii: "{") where flowDepth > 0:
                        flowDepth += 1
                        record(depth: flowDepth, estimate: indent + inlineIndicators + flowDepth)
                        index += 1
                        nodeStart = true
                    case UInt8(ascii: ",") where flowDepth > 0:
                        index += 1
                        nodeStart = true
                    case UInt8(ascii: ":") where isBlank(byte(1)) || (flowDepth > 0 && isFlowIndicator(byte(1))):
                        index += 1
                        nodeStart = true
                        inlineIndicators += 1
                    default:
                        index += 1
                        nodeStart = false
                    }
                }
                record(depth: flowDepth, estimate: indent + inlineIndicators + flowDepth)
                endLine()
            }
            return findings
        }

        /// Counts flow depth (exact) and a bound on block depth (indentation plus inline
        /// indicators), remembering the line of the first maximum.
        private mutating func record(depth: Int, estimate: Int) {
            if depth > findings.flowDepth {
                findings.flowDepth = depth
                findings.deepestLine = line
            }
            if estimate > findings.nestingEstimate {
                findings.nestingEstimate = estimate
                if findings.nestingEstimate > YAMLGuard.hardNestingCap, findings.flowDepth == 0 { findings.deepestLine = line }
            }
        }

        private mutating func fail(_ text: String, hint: String?) {
            findings.problem = Problem(line: line, text: text, hint: hint)
        }

        /// Skips to the end of the line; the newline itself is left for ``endLine()``.
        private mutating func skipToLineEnd() {
            while let value = byte(), value != Self.newline { index += 1 }
        }

        /// Consumes the newline ending the current line, if any.
        private mutating func endLine() {
            if byte() == Self.newline {
                index += 1
                line += 1
            }
        }

        /// Skips `&name` or `*name`; libyaml's anchor names are letters, digits, `-` and `_`.
        private mutating func skipAnchorName() {
            index += 1
            while let value = byte(), value < 0x80, Character(UnicodeScalar(value)).isLetter || Character(UnicodeScalar(value)).isNumber || value == UInt8(ascii: "-") || value == UInt8(ascii: "_") {
                index += 1
            }
        }

        /// Skips a tag such as `!!str` or `!<tag:yaml.org,2002:str>`.
        private mutating func skipTag() {
            index += 1
            if byte() == UInt8(ascii: "<") {
                while let value = byte(), value != UInt8(ascii: ">"), value != Self.newline { index += 1 }
                if byte() == UInt8(ascii: ">") { index += 1 }
                return
            }
            while let value = byte(), !isBlank(value), !isFlowIndicator(value) { index += 1 }
        }

        /// Skips a quoted scalar, which may span lines.
        private mutating func skipQuoted(_ quote: UInt8) {
            index += 1
            while let value = byte() {
                if value == Self.newline { line += 1 }
                if quote == UInt8(ascii: "\""), value == UInt8(ascii: "\\") { index += 2; continue }
                if value == quote {
                    if quote == UInt8(ascii: "'"), byte(1) == quote { index += 2; continue }
                    index += 1
                    return
                }
                index += 1
            }
        }

        /// True when spaces and then a `:` that makes the previous node a key follow.
        private func followedByKeyColon(flow: Bool) -> Bool {
            var offset = 0
            while let value = byte(offset), value == Self.space || value == Self.tab { offset += 1 }
            guard byte(offset) == UInt8(ascii: ":") else { return false }
            let after = byte(offset + 1)
            return isBlank(after) || (flow && isFlowIndicator(after))
        }
    }

    // MARK: After composing

    /// Counts the nodes of `root` with every alias expanded, and its depth, failing past the limits.
    static func measure(_ root: Node, file: String, limits: InputLimits) throws {
        var measurer = Measurer(file: file, limits: limits)
        _ = try measurer.size(of: root, depth: 1, path: "")
    }

    private struct Measurer {
        let file: String
        let limits: InputLimits
        /// Expanded size and height of anchored subtrees, by where they are defined.
        var memo: [String: (size: Int, height: Int)] = [:]
        var total = 0

        init(file: String, limits: InputLimits) {
            self.file = file
            self.limits = limits
        }

        /// Returns (expanded size, height) of `node`, adding its size to the running total.
        mutating func size(of node: Node, depth: Int, path: String) throws -> (size: Int, height: Int) {
            let key = node.anchor.flatMap { anchor in node.mark.map { "\(anchor.rawValue)@\($0.line):\($0.column)" } }
            if let key, let known = memo[key] {
                try count(known.size, at: node, path: path)
                if depth + known.height - 1 > limits.maxDepth { try tooDeep(node, path: path) }
                return known
            }
            if depth > limits.maxDepth { try tooDeep(node, path: path) }
            var result = (size: 1, height: 1)
            try count(1, at: node, path: path)
            switch node {
            case .scalar, .alias:
                break
            case .sequence(let sequence):
                for (index, child) in sequence.enumerated() {
                    let inner = try size(of: child, depth: depth + 1, path: path + "[\(index)]")
                    result.size += inner.size
                    result.height = max(result.height, inner.height + 1)
                }
            case .mapping(let mapping):
                for (keyNode, value) in mapping {
                    let name = keyNode.scalar?.string ?? "?"
                    let inner = try size(of: value, depth: depth + 1, path: path.isEmpty ? name : path + "." + name)
                    result.size += inner.size + 1
                    result.height = max(result.height, inner.height + 1)
                }
            }
            if let key { memo[key] = result }
            return result
        }

        private mutating func count(_ nodes: Int, at node: Node, path: String) throws {
            total += nodes
            if total > limits.maxYAMLNodes {
                throw ConfigError(
                    file: file, line: node.mark?.line, field: path,
                    problem: "expands to more than \(limits.maxYAMLNodes) YAML nodes (aliases included)",
                    hint: InputLimits.hint(\.maxYAMLNodes, in: limits, unit: "nodes"))
            }
        }

        private func tooDeep(_ node: Node, path: String) throws -> Never {
            throw ConfigError(
                file: file, line: node.mark?.line, field: path, problem: "nests lists and mappings more than \(limits.maxDepth) levels deep",
                hint: InputLimits.hint(\.maxDepth, in: limits, unit: "levels"))
        }
    }
}
