import FlyingFox
import FlyingSocks
import Foundation
import ImproveCore

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
    public typealias Responder = @Sendable (StubRequest) async -> StubReply

    /// `http://127.0.0.1:PORT/v1`, the base URL clients are configured with.
    public let baseURL: URL
    public let port: UInt16
    /// Model ids listed by `GET /v1/models`.
    public let modelIDs: [String]

    private let server: HTTPServer
    private let runTask: Task<Void, any Error>
    private let state: StubState

    private init(server: HTTPServer, runTask: Task<Void, any Error>, state: StubState, port: UInt16, modelIDs: [String]) {
        self.server = server
        self.runTask = runTask
        self.state = state
        self.port = port
        self.modelIDs = modelIDs
        // A literal loopback URL with a numeric port always parses.
        self.baseURL = URL(string: "http://127.0.0.1:\(port)/v1") ?? URL(fileURLWithPath: "/")
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
        // A port this process used before is refused: the shared URLSession may still pool a
        // keep-alive connection to it, still served by the stopped stub's handler, and a
        // request meant for this stub would be answered by that one.
        var refused: [(HTTPServer, Task<Void, any Error>)] = []
        defer {
            let leftovers = refused
            Task { for (server, task) in leftovers { await server.stop(timeout: 0); task.cancel() } }
        }
        for _ in 0..<50 {
            let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 300, logger: .disabled)
            await server.appendRoute("*", handler: { request in
                await Self.handle(request, state: state, modelIDs: models, responder: responder)
            })
            let runTask = Task { try await server.run() }
            // Generous: on a loaded two-core CI machine the accept loop may wait its turn.
            try await server.waitUntilListening(timeout: 60)
            guard case .ip4(_, let port) = await server.listeningAddress else {
                runTask.cancel()
                throw StubServerError.noListeningPort
            }
            guard UsedLoopbackPorts.claim(port) else {
                refused.append((server, runTask))
                continue
            }
            return StubModelServer(server: server, runTask: runTask, state: state, port: port, modelIDs: modelIDs)
        }
        throw StubServerError.noListeningPort
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        await server.stop(timeout: 0)
        runTask.cancel()
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

    /// Returns once `count` completion requests have arrived, or when the calling task is
    /// cancelled: an event to wait on instead of polling the counters.
    public func completionRequestsReach(_ count: Int) async {
        await state.waitForCompletions(count)
    }

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

    static func isCompletion(_ path: String) -> Bool {
        path.hasSuffix("/chat/completions") || path.hasSuffix("/messages")
    }

    private static func handle(_ request: HTTPRequest, state: StubState, modelIDs: [String], responder: Responder) async -> HTTPResponse {
        let body = (try? await request.bodyData) ?? Data()
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
        let stubRequest = state.arrive(method: request.method.rawValue, path: request.path, headers: headers, body: body)
        defer { state.leave() }

        let reply: StubReply
        if request.path.hasSuffix("/models") && request.method == .GET {
            reply = .json(["object": "list", "data": .array(modelIDs.map { ["id": .string($0), "object": "model"] })])
        } else if isCompletion(request.path) && request.method == .POST {
            if let scripted = state.nextScripted() {
                reply = scripted
            } else {
                reply = await responder(stubRequest)
            }
        } else {
            reply = .error(status: 404, message: "no route \(request.method.rawValue) \(request.path)")
        }
        if reply.delay > .zero {
            // The latency a slow provider would have; a cancelled connection ends it early.
            try? await Task.sleep(for: reply.delay)
        }
        var responseHeaders = HTTPHeaders()
        for (name, value) in reply.headers { responseHeaders[HTTPHeader(name)] = value }
        return HTTPResponse(statusCode: HTTPStatusCode(reply.status, phrase: phrase(reply.status)), headers: responseHeaders, body: reply.body)
    }

    private static func phrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// Errors starting the stub.
public enum StubServerError: Error, CustomStringConvertible {
    case noListeningPort
    public var description: String { "the stub model server did not report an IPv4 listening port" }
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
    private var completions = 0
    private var waiters: [UUID: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]

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
            if StubModelServer.isCompletion(path) {
                completions += 1
                for (id, waiter) in waiters where waiter.count <= completions {
                    waiters[id] = nil
                    waiter.continuation.resume()
                }
            }
            return request
        }
    }

    func waitForCompletions(_ count: Int) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = lock.withLock {
                    if completions >= count || Task.isCancelled { return true }
                    waiters[id] = (count, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = lock.withLock { waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }

    func leave() { lock.withLock { data.inFlight -= 1 } }

    func nextScripted() -> StubReply? {
        lock.withLock { script.isEmpty ? nil : script.removeFirst() }
    }
}

/// Ports stub servers of this process have listened on.
enum UsedLoopbackPorts {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var ports: Set<UInt16> = []

    /// True, and remembered, when no stub of this process used `port` before.
    static func claim(_ port: UInt16) -> Bool {
        lock.withLock { ports.insert(port).inserted }
    }
}
