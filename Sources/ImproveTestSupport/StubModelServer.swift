import Foundation
import ImproveCore
import ImproveHTTP

/// An OpenAI-compatible (and Anthropic Messages) model server on an ephemeral loopback port,
/// for HTTP tests and in-process benchmarks: real sockets, real JSON, scripted failures.
///
/// Routes: `POST /v1/chat/completions`, `POST /v1/messages`, `GET /v1/models`. Replies come from
/// the `script` first (one entry per completion request, in order), then from the `responder`.
///
/// ```swift
/// let stub = try await StubModelServer.start(script: [.error(status: 429, retryAfter: 1)])
/// defer { Task { await stub.stop() } }
/// let client = OpenAICompatibleClient(baseURL: stub.baseURL, ...)
/// ```
public final class StubModelServer: Sendable {
    /// Answers a completion request.
    public typealias Responder = @Sendable (StubRequest) -> StubReply

    /// `http://127.0.0.1:PORT/v1`, the base URL clients are configured with.
    public let baseURL: URL
    public let port: UInt16
    /// Model ids listed by `GET /v1/models`.
    public let modelIDs: [String]

    private let server: LoopbackHTTPServer
    private let state: StubState

    private init(server: LoopbackHTTPServer, state: StubState, modelIDs: [String]) {
        self.server = server
        self.state = state
        self.port = server.port
        self.modelIDs = modelIDs
        // A literal loopback URL with a numeric port always parses.
        self.baseURL = URL(string: "http://127.0.0.1:\(server.port)/v1") ?? URL(fileURLWithPath: "/")
    }

    /// Starts a server and returns once it listens.
    ///
    /// - Parameters:
    ///   - script: replies for the first completion requests, in arrival order.
    ///   - modelIDs: what `GET /v1/models` lists.
    ///   - responder: the reply once the script is used up; the default echoes the last message.
    public static func start(
        script: [StubReply] = [], modelIDs: [String] = ["stub-model"], responder: @escaping Responder = StubModelServer.echo()
    ) async throws -> StubModelServer {
        let state = StubState(script: script)
        let models = modelIDs
        let server = try LoopbackHTTPServer { request in
            Self.handle(request, state: state, modelIDs: models, responder: responder)
        }
        return StubModelServer(server: server, state: state, modelIDs: modelIDs)
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        server.stop()
        state.stop()
    }

    // MARK: Counters

    /// Every request received so far, in arrival order.
    public var requests: [StubRequest] { state.snapshot().requests }
    /// Completion requests (`/chat/completions` and `/messages`) received so far.
    public var completionRequests: [StubRequest] { requests.filter { Self.isCompletion($0.path) } }
    /// Number of requests received so far (all routes).
    public var requestCount: Int { state.snapshot().requests.count }
    /// How many completion requests arrived per last message.
    public var completionCountsByLastMessage: [String: Int] {
        completionRequests.reduce(into: [:]) { $0[$1.lastMessageContent ?? "", default: 0] += 1 }
    }
    /// How many times each canonical body hash was received.
    public var countsByBodyHash: [String: Int] { state.snapshot().countsByHash }
    /// The largest number of requests in flight at the same moment.
    public var maxInFlight: Int { state.snapshot().maxInFlight }

    // MARK: Responders

    /// Answers every completion in the right wire shape, echoing `prefix + last message` as the
    /// text and the requested model as the served one (or `servedModel` when given).
    public static func echo(prefix: String = "echo: ", servedModel: String? = nil, delay: Duration = .zero) -> Responder {
        { request in
            let text = prefix + (request.lastMessageContent ?? "")
            let model = servedModel ?? request.model ?? "stub-model"
            if request.path.hasSuffix("/messages") { return .anthropic(text: text, model: model, delay: delay) }
            return .openAI(text: text, model: model, delay: delay)
        }
    }

    /// The text ``hashedAnswer(delay:observer:)`` gives for a last message: distinct per
    /// message and the same on every run, so runs can be compared answer by answer.
    public static func hashedAnswerText(to message: String) -> String {
        "answer-" + ContentHash.sha256(message).prefix(12)
    }

    /// Answers ``hashedAnswerText(to:)`` of the last message with 5 output tokens, after
    /// calling `observer` with that message (before the delay, so it sees arrivals).
    public static func hashedAnswer(delay: Duration = .zero, observer: (@Sendable (String) -> Void)? = nil) -> Responder {
        { request in
            let message = request.lastMessageContent ?? ""
            observer?(message)
            return .openAI(text: hashedAnswerText(to: message), model: request.model ?? "stub-model", outputTokens: 5, delay: delay)
        }
    }

    /// An OpenAI-compatible client of this stub as provider `local` that never retries, so
    /// every request the stub sees is one the caller decided to make.
    public func client() -> OpenAICompatibleClient {
        Self.client(of: baseURL)
    }

    /// ``client()`` for a stub in another process, known by its base URL.
    public static func client(of baseURL: URL) -> OpenAICompatibleClient {
        var config = ProviderConfig(name: "local", kind: .openai, baseURL: baseURL)
        config.maxRetries = 0
        config.concurrency = 64
        return OpenAICompatibleClient(config: config, baseURL: baseURL, retry: RetryPolicy(maxAttempts: 1))
    }

    /// Answers every completion with the same text.
    public static func fixed(_ text: String, servedModel: String? = nil, delay: Duration = .zero) -> Responder {
        { request in
            let model = servedModel ?? request.model ?? "stub-model"
            if request.path.hasSuffix("/messages") { return .anthropic(text: text, model: model, delay: delay) }
            return .openAI(text: text, model: model, delay: delay)
        }
    }

    // MARK: Handling

    /// Completion routes live under `/v1`, as on real servers, so a client whose base URL
    /// lacks `/v1` gets the 404 it would get in production.
    static func isCompletion(_ path: String) -> Bool {
        path.hasPrefix("/v1/") && (path.hasSuffix("/chat/completions") || path.hasSuffix("/messages"))
    }

    private static func handle(
        _ request: LoopbackHTTPServer.Request, state: StubState, modelIDs: [String], responder: Responder
    ) -> LoopbackHTTPServer.Response {
        let stubRequest = state.arrive(method: request.method, path: request.path, headers: request.headers, body: request.body)
        defer { state.leave() }

        let reply: StubReply
        if request.path.hasSuffix("/models") && request.method == "GET" {
            reply = .json(["object": "list", "data": .array(modelIDs.map { ["id": .string($0), "object": "model"] })])
        } else if isCompletion(request.path) && request.method == "POST" {
            if let scripted = state.nextScripted() {
                reply = scripted
            } else {
                reply = responder(stubRequest)
            }
        } else {
            reply = .error(status: 404, message: "no route \(request.method) \(request.path)")
        }
        if reply.delay > .zero {
            // The latency a slow provider would have, on this connection's own thread.
            state.hold(reply.delay)
        }
        return LoopbackHTTPServer.Response(status: reply.status, headers: reply.headers, body: reply.body)
    }
}

/// The stub's counters and script, shared by concurrent handler calls.
final class StubState: @unchecked Sendable {
    struct Snapshot {
        var requests: [StubRequest] = []
        var countsByHash: [String: Int] = [:]
        var inFlight = 0
        var maxInFlight = 0
    }

    private let lock = NSLock()
    private var data = Snapshot()
    private var script: [StubReply]

    init(script: [StubReply]) {
        self.script = script
    }

    func snapshot() -> Snapshot { lock.withLock { data } }

    func arrive(method: String, path: String, headers: [String: String], body: Data) -> StubRequest {
        let hash: String
        if let value = try? JSONDecoder().decode(JSONValue.self, from: body), let canonical = try? CanonicalJSON.encode(value) {
            hash = ContentHash.sha256(canonical)
        } else {
            hash = ContentHash.sha256(body)
        }
        let now = ContinuousClock.now
        return lock.withLock {
            let request = StubRequest(
                index: data.requests.count, method: method, path: path, headers: headers, body: body, bodyHash: hash, receivedAt: now)
            data.requests.append(request)
            data.countsByHash[hash, default: 0] += 1
            data.inFlight += 1
            data.maxInFlight = max(data.maxInFlight, data.inFlight)
            return request
        }
    }

    func leave() { lock.withLock { data.inFlight -= 1 } }

    // Wakes handlers holding a reply back when the stub stops.
    private let stopping = NSCondition()
    private var stopped = false

    /// Waits `delay`, or less if the stub stops meanwhile.
    func hold(_ delay: Duration) {
        let (seconds, attoseconds) = delay.components
        let deadline = Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
        stopping.lock()
        while !stopped, stopping.wait(until: deadline) {}
        stopping.unlock()
    }

    func stop() {
        stopping.lock()
        stopped = true
        stopping.broadcast()
        stopping.unlock()
    }

    func nextScripted() -> StubReply? {
        lock.withLock { script.isEmpty ? nil : script.removeFirst() }
    }
}

