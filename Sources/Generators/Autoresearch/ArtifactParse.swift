import Foundation
import ImproveCore

/// Parsing an artifact file with the position of what does not parse, for errors a user reads
/// before a run starts (a candidate that does not parse is logged by ``StructuredFormatError``
/// instead, mid-run, where no position is needed).
extension StructuredFormat {
    /// Parses `text`, the content of `file`, exactly as ``parse(_:)`` does.
    /// - Parameters:
    ///   - file: the file's path as the error names it.
    ///   - hint: the fix the error suggests.
    /// - Throws: `ConfigError` naming `file`, the line (and for JSON the column) where parsing
    ///   stopped when that is known, and what is wrong.
    public func parseLocated(_ text: String, file: String, hint: String) throws -> JSONValue {
        do {
            return try parse(text)
        } catch {
            throw locate(error, in: text, file: file, hint: hint)
        }
    }

    private func locate(_ error: any Error, in text: String, file: String, hint: String) -> ConfigError {
        switch self {
        case .json:
            let place = JSONErrorPlace(text)
            let at = place.column.map { " at column \($0)" } ?? ""
            return ConfigError(file: file, line: place.line, field: "", problem: "not valid JSON\(at): \(place.message ?? Self.problem(of: error))", hint: hint)
        case .yaml:
            // The same parser again, told the real file name: its error carries the line.
            do {
                _ = try ConfigNode.parse(text, file: file).json()
            } catch let located as ConfigError {
                return ConfigError(file: located.file, line: located.line, field: located.field, problem: located.problem, hint: located.hint.map { "\($0); \(hint)" } ?? hint)
            } catch {}
            return ConfigError(file: file, line: nil, field: "", problem: "\(error)", hint: hint)
        case .toml:
            // TOMLSubset's problems start with "line N: ".
            let problem = Self.problem(of: error)
            guard let match = problem.firstMatch(of: #/^line (\d+): /#), let line = Int(match.1) else {
                return ConfigError(file: file, line: nil, field: "", problem: "\(error)", hint: hint)
            }
            return ConfigError(file: file, line: line, field: "", problem: "not valid TOML: " + problem.dropFirst(match.0.count), hint: hint)
        }
    }

    private static func problem(of error: any Error) -> String {
        (error as? StructuredFormatError)?.problem ?? "\(error)"
    }
}

/// Where JSON stops parsing. Foundation's JSON decoder on Linux gives no position, so the text
/// is parsed once more with `JSONSerialization`, whose message does: "around character N" (a
/// byte offset, on Linux) or "around line L, column C" (on Apple platforms).
struct JSONErrorPlace {
    var line: Int?
    var column: Int?
    /// The parser's message without its position, or nil when the second parse accepted the text.
    var message: String?

    init(_ text: String) {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            return
        } catch {
            let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            var message = Substring(description)
            if let match = description.firstMatch(of: #/ around character (\d+)/#), let offset = Int(match.1) {
                (line, column) = Self.position(ofByte: offset, in: text)
                message = description[..<match.range.lowerBound]
            } else if let match = description.firstMatch(of: #/ around line (\d+), column (\d+)/#) {
                (line, column) = (Int(match.1), Int(match.2))
                message = description[..<match.range.lowerBound]
            }
            self.message = String(message.hasSuffix(".") ? message.dropLast() : message)
        }
    }

    /// The 1-based line and column (in characters) of the byte at `offset`.
    static func position(ofByte offset: Int, in text: String) -> (line: Int, column: Int) {
        let before = String(decoding: text.utf8.prefix(max(0, offset)), as: UTF8.self)
        let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.count, (lines.last?.count ?? 0) + 1)
    }
}
