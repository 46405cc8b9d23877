import Foundation
import Synchronization

/// Records model calls to a JSONL cassette and replays them, for offline deterministic tests
/// (tier 4) and for re-running recorded experiments without paying again.
///
/// Each line is `{"key": ..., "request": ..., "response": ...}`; lines are appended with one
/// `write` to a file opened for appending, so a crash leaves whole lines. The file is read once,
/// when the client is made. Replayed answers carry `source: "replay"`.
public final class CassetteModelClient: ModelClient, Sendable {
    /// What to do on a call.
    public enum Mode: String, Sendable, CaseIterable {
        /// Always call the inner client and append the answer.
        case record
        /// Answer only from the cassette; a miss is ``ModelError/cassetteMiss(key:cassette:)``.
        case replayOnly = "replay-only"
        /// Replay what is recorded, call and append what is not.
        case recordMissing = "record-missing"
    }

    /// One cassette line.
    public struct Entry: Codable, Sendable {
        public var key: String
        public var request: ChatRequest
        public var response: ChatResponse
    }

    public let inner: any ModelClient
    public let file: URL
    public let mode: Mode
    /// The endpoint name keys are computed with (see ``EndpointIdentity``).
    public let endpoint: String

    /// The recorded answers by key; appends to the file happen under the same lock, so the file
    /// and the table never disagree.
    private let entries: Mutex<[String: ChatResponse]>

    /// Opens (or starts) the cassette at `file`.
    ///
    /// - Parameter endpoint: the endpoint name in the key; by default the inner client's
    ///   ``EndpointIdentified/endpointIdentity`` (loopback ports do not count), else empty.
    /// - Throws: ``CassetteError`` when an existing file has a line that is not an entry.
    public init(inner: any ModelClient, file: URL, mode: Mode, endpoint: String? = nil) throws {
        self.inner = inner
        self.file = file
        self.mode = mode
        self.endpoint = endpoint ?? (inner as? any EndpointIdentified)?.endpointIdentity ?? ""
        self.entries = Mutex(try Self.read(file))
    }

    /// The key this cassette files `request` under.
    public func key(for request: ChatRequest) throws -> String {
        try CassetteKey.of(request, endpoint: endpoint)
    }

    /// Number of recorded keys.
    public var count: Int { entries.withLock { $0.count } }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let key = try key(for: request)
        if mode != .record, let recorded = entries.withLock({ $0[key] }) {
            var replayed = recorded
            replayed.source = "replay"
            return replayed
        }
        if mode == .replayOnly { throw ModelError.cassetteMiss(key: key, cassette: file.path) }
        let response = try await inner.complete(request)
        try append(Entry(key: key, request: request, response: response))
        return response
    }

    private func append(_ entry: Entry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(entry)
        line.append(UInt8(ascii: "\n"))
        try entries.withLock { entries in
            try AppendOnlyFile.appendLine(line, to: file)
            entries[entry.key] = entry.response
        }
    }

    static func read(_ file: URL) throws -> [String: ChatResponse] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [:] }
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw CassetteError.unreadable(file: file.path, detail: "\(error)") }
        var entries: [String: ChatResponse] = [:]
        let decoder = JSONDecoder()
        for (index, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
            guard let entry = try? decoder.decode(Entry.self, from: Data(line)) else {
                throw CassetteError.badLine(file: file.path, line: index + 1)
            }
            entries[entry.key] = entry.response
        }
        return entries
    }
}

/// A cassette file that cannot be used.
public enum CassetteError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, detail: String)
    case badLine(file: String, line: Int)
    case writeFailed(file: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let detail): return "cannot read cassette \(file): \(detail)"
        case .badLine(let file, let line): return "\(file):\(line): not a cassette entry ({key, request, response}); delete the line or re-record"
        case .writeFailed(let file, let detail): return "cannot append to cassette \(file): \(detail)"
        }
    }
}
