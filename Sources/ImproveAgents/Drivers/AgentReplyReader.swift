import Foundation
import ImproveCore

/// Reads an agent's reply (one stdout line, or an HTTP body) against the protocol: JSON, an
/// object, a string `reply`, at most ``AgentProtocol/replyLimit`` bytes. Unknown fields are
/// ignored; optional fields are read leniently where that loses nothing (`usage` counts
/// default to 0), because improve counts the gateway's calls regardless of what the agent says.
enum AgentReplyReader {
    /// Why a reply was refused; each driver words it for its transport.
    enum Problem: Error, Equatable {
        /// Over the limit, with the size in bytes.
        case tooLarge(Int)
        /// Not JSON at all.
        case notJSON
        /// JSON, but not an object with a string `reply` (or with a malformed optional field).
        case outOfSchema(String)

        /// The reason, for ``AgentFailure/problem``; `excerpt` is the start of what was sent.
        func reason(notJSON prefix: String, excerpt: String) -> String {
            switch self {
            case .tooLarge(let bytes):
                return "replied with \(bytes) bytes, over the \(AgentProtocol.replyLimit)-byte limit"
            case .notJSON:
                return "\(prefix): \(excerpt)"
            case .outOfSchema(let detail):
                return "replied out of protocol: \(detail)"
            }
        }
    }

    /// The reply in `data`, or the problem with it.
    static func read(_ data: Data) -> Result<AgentReply, Problem> {
        guard data.count <= AgentProtocol.replyLimit else { return .failure(.tooLarge(data.count)) }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return .failure(.notJSON) }
        guard let members = value.objectValue else { return .failure(.outOfSchema("the reply must be a JSON object with a string field `reply`")) }
        guard let reply = members["reply"] else {
            let keys = members.keys.sorted().prefix(10).joined(separator: ", ")
            return .failure(.outOfSchema("no field `reply` (the object has: \(keys.isEmpty ? "no fields" : keys))"))
        }
        guard let text = reply.stringValue else { return .failure(.outOfSchema("field `reply` must be a string")) }
        var usage: Usage?
        if let reported = members["usage"], reported != .null {
            guard let fields = reported.objectValue else { return .failure(.outOfSchema("field `usage` must be an object")) }
            usage = Usage(
                inputTokens: count(fields["inputTokens"]), outputTokens: count(fields["outputTokens"]),
                cost: fields["cost"]?.doubleValue.flatMap { $0.isFinite ? $0 : nil } ?? 0)
        }
        let trace = members["trace"].flatMap { $0 == .null ? nil : $0 }
        return .success(AgentReply(reply: text, trace: trace, usage: usage))
    }

    /// A token count the agent reported; anything that is not a sane count reads as 0.
    private static func count(_ value: JSONValue?) -> Int {
        guard let number = value?.doubleValue, number.isFinite, number >= 0, number < 1e15 else { return 0 }
        return Int(number)
    }

    /// The start of `data` as text for a message: at most 200 characters, redacted.
    static func excerpt(_ data: Data, redactor: Redactor) -> String {
        let text = String(decoding: data.prefix(800), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let short = text.count > 200 ? String(text.prefix(200)) + "…" : text
        return short.isEmpty ? "(empty)" : redactor.redact(short)
    }
}
