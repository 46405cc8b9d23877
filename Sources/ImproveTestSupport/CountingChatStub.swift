import FlyingFox
import Foundation
import ImproveCore

/// A minimal OpenAI-compatible chat server on 127.0.0.1 for the store's tests and benchmark:
/// answers `POST /v1/chat/completions` after a fixed latency with a text derived from the last
/// user message, and counts requests per message, so tests can prove which calls were paid.
public final class CountingChatStub: @unchecked Sendable {
    /// The answer the stub gives to a user message: deterministic, so runs can be compared.
    public static func answer(to message: String) -> String {
        "answer-" + ContentHash.sha256(message).prefix(12)
    }

    private let server: HTTPServer
    private let latencyNanoseconds: UInt64
    private let observer: (@Sendable (String) -> Void)?
    // Guards `counts` and `order`.
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var order: [String] = []
    private var task: Task<Void, any Error>?
    /// `http://127.0.0.1:<port>/v1`.
    public private(set) var baseURL: URL

    /// Starts the server on a free port.
    /// - Parameter observer: called with each request's last user message before it is answered.
    public init(latency: Duration = .zero, observer: (@Sendable (String) -> Void)? = nil) async throws {
        let components = latency.components
        latencyNanoseconds = UInt64(components.seconds) * 1_000_000_000 + UInt64(components.attoseconds / 1_000_000_000)
        self.observer = observer
        server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 30, logger: .disabled)
        baseURL = URL(fileURLWithPath: "/")
        await server.appendRoute("POST /v1/chat/completions") { [weak self] request in
            guard let self else { return HTTPResponse(statusCode: .serviceUnavailable) }
            return try await self.respond(to: request)
        }
        let server = server
        task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress,
            let url = URL(string: "http://127.0.0.1:\(port)/v1")
        else { throw URLError(.cannotConnectToHost) }
        baseURL = url
    }

    /// Requests received per user message.
    public var requestCounts: [String: Int] { lock.withLock { counts } }
    /// Total requests received.
    public var requestCount: Int { lock.withLock { order.count } }

    public func stop() async {
        await server.stop(timeout: 1)
        task?.cancel()
    }

    private func respond(to request: HTTPRequest) async throws -> HTTPResponse {
        let body = try await request.bodyData
        let parsed = try JSONDecoder().decode(ImproveCore.JSONValue.self, from: body)
        let message = parsed["messages"]?.arrayValue?.last(where: { $0["role"]?.stringValue == "user" })?["content"]?.stringValue ?? ""
        let model = parsed["model"]?.stringValue ?? "stub"
        lock.withLock {
            counts[message, default: 0] += 1
            order.append(message)
        }
        observer?(message)
        if latencyNanoseconds > 0 { try await Task.sleep(nanoseconds: latencyNanoseconds) }
        let choice: ImproveCore.JSONValue = [
            "index": 0, "finish_reason": "stop",
            "message": ["role": "assistant", "content": .string(Self.answer(to: message))],
        ]
        let reply: ImproveCore.JSONValue = [
            "id": "stub", "object": "chat.completion", "model": .string(model),
            "choices": [choice],
            "usage": ["prompt_tokens": .number(Double(message.utf8.count / 4 + 1)), "completion_tokens": 5],
        ]
        return HTTPResponse(
            statusCode: .ok, headers: [.contentType: "application/json"], body: try CanonicalJSON.encode(reply))
    }
}
