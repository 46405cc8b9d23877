import Foundation
import ImproveCore

/// Says what a reply body that is not the expected JSON actually is, with the check that
/// usually fixes it: servers behind the wrong URL answer with web pages, proxies with login
/// pages, and a dropped connection leaves JSON cut off.
enum ReplyShape {
    /// Why `data` could not be read as JSON, for ``ModelError/malformedResponse(provider:detail:)``.
    static func problem(_ data: Data) -> String {
        let text = String(decoding: data.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            return "the body is empty; check that the base URL points at the model API (ending in /v1)"
        }
        if isHTML(text) {
            return "the body is an HTML page\(title(text).map { " titled \"\($0)\"" } ?? ""), not JSON; is the base URL the model API (ending in /v1), not a web page, proxy or login page?"
        }
        if let first = text.first, first == "{" || first == "[" {
            return "the JSON body is cut off or broken (\(data.count) bytes, ending \"\(String(decoding: data.suffix(40), as: UTF8.self))\"); the connection may have dropped, try again"
        }
        return "the body is not JSON (starts with \"\(text.prefix(120))\")"
    }

    /// Why a JSON answer lacks `field`: an error the server put in a 200 reply, an empty
    /// `choices` list (a content filter, a server that produced nothing), or an unknown shape.
    static func missing(_ field: String, in json: JSONValue) -> String {
        if let message = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue {
            return "the answer carries an error instead of \(field): \(message.prefix(300))"
        }
        if let choices = json["choices"]?.arrayValue, choices.isEmpty {
            return "the answer has an empty choices list (no completion was produced; a content filter or an overloaded server can do this)"
        }
        let keys = json.objectValue.map { $0.keys.sorted().joined(separator: ", ") } ?? "not an object"
        return "no \(field) in the answer (its fields: \(keys)); is this provider's kind right (openai or anthropic) in providers.yaml?"
    }

    /// A short description of a non-JSON error body for messages: the page title or its start.
    static func describe(_ data: Data) -> String {
        let text = String(decoding: data.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return "empty body" }
        if isHTML(text) { return "an HTML page" + (title(text).map { " titled \"\($0)\"" } ?? "") }
        return String(HTTPTransport.errorDetail(data).prefix(200))
    }

    static func isHTML(_ text: String) -> Bool {
        let start = text.prefix(200).lowercased()
        return start.hasPrefix("<!doctype html") || start.hasPrefix("<html") || start.contains("<head") || start.contains("<body")
    }

    private static func title(_ text: String) -> String? {
        guard let open = text.range(of: "<title>", options: .caseInsensitive),
            let close = text.range(of: "</title>", options: .caseInsensitive, range: open.upperBound..<text.endIndex)
        else { return nil }
        let title = text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        return title.isEmpty ? nil : String(title.prefix(80))
    }
}
