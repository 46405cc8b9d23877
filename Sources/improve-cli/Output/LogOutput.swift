import ArgumentParser
import Foundation
import Synchronization
import ImproveCore
import Logging

/// How progress notes and errors are written to standard error.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// Plain lines for people (a redrawn progress line only when standard error is a terminal).
    case text
    /// One JSON object per line (`ts`, `level`, `message`, then metadata), for log shippers.
    case json
}

/// The command line's logger: swift-log with one of two handlers, both writing to standard
/// error and both passing every message and metadata value through the secret redactor, so an
/// API key that reaches an error text never reaches a log line.
enum LogOutput {
    private static let configured = ConfiguredFormat()

    /// Installs the handler for `format`; the first call wins (swift-log bootstraps once per process).
    static func bootstrap(_ format: LogFormat) {
        guard configured.claim(format) else { return }
        let redactor = Redactor.fromEnvironment()
        LoggingSystem.bootstrap { label in
            switch format {
            case .text: return LineLogHandler(label: label, redactor: redactor, json: false)
            case .json: return LineLogHandler(label: label, redactor: redactor, json: true)
            }
        }
    }

    /// The format installed, `.text` until ``bootstrap(_:)`` is called.
    static var format: LogFormat { configured.format }

    /// The logger of the `improve-cli` process.
    static var logger: Logger {
        bootstrap(.text)
        return Logger(label: "improve-cli")
    }
}

/// Remembers the one bootstrap.
private final class ConfiguredFormat: Sendable {
    private let chosen = Mutex<LogFormat?>(nil)

    var format: LogFormat { chosen.withLock { $0 ?? .text } }

    func claim(_ format: LogFormat) -> Bool {
        chosen.withLock { chosen in
            guard chosen == nil else { return false }
            chosen = format
            return true
        }
    }
}

/// Writes each record as one line on standard error: the message alone (text), or a JSON object.
struct LineLogHandler: LogHandler {
    let label: String
    let redactor: Redactor
    let json: Bool
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        event.metadata?.forEach { merged[$0.key] = $0.value }
        let message = redactor.redact(event.message.description)
        let line: String
        if json {
            var object: [String: JSONValue] = [
                "ts": .string(ISO8601DateFormatter().string(from: Date())), "level": .string(event.level.rawValue),
                "label": .string(label), "message": .string(message),
            ]
            for (key, value) in merged where object[key] == nil { object[key] = Self.json(value, redactor) }
            line = (try? CanonicalJSON.string(.object(object))) ?? "{\"message\":\"unencodable log record\"}"
        } else {
            let prefix = event.level >= .error ? "error: " : (event.level == .warning ? "warning: " : "")
            line = prefix + message
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private static func json(_ value: Logger.MetadataValue, _ redactor: Redactor) -> JSONValue {
        switch value {
        case .string(let text): return .string(redactor.redact(text))
        case .stringConvertible(let convertible):
            if let number = convertible as? any BinaryInteger { return .number(Double(number)) }
            if let number = convertible as? Double { return .number(number) }
            if let flag = convertible as? Bool { return .bool(flag) }
            return .string(redactor.redact(convertible.description))
        case .array(let values): return .array(values.map { json($0, redactor) })
        case .dictionary(let values): return .object(values.mapValues { json($0, redactor) })
        }
    }
}
