import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One request the gateway's HTTP server received, body complete.
struct GatewayHTTPRequest: Sendable {
    /// `GET`, `POST`, ...
    var method: String
    /// The path without the query string.
    var path: String
    /// The request's headers (names case-insensitive).
    var headers: HTTPHeaders
    /// The body, at most ``GatewayHTTPServer/maxBodyBytes``.
    var body: Data
}

/// The answer to one request: a status and a JSON body.
struct GatewayHTTPResponse: Sendable {
    var status: Int
    var body: Data
}

/// A small HTTP/1.1 server on 127.0.0.1 built on swift-nio: the event loops only parse and
/// write; every request is handled in a Swift concurrency task (one per connection, requests
/// of a connection in order, as HTTP/1.1 answers them), so a model call that takes a minute
/// never holds an event loop.
final class GatewayHTTPServer: Sendable {
    /// The largest request body accepted (a long agent conversation fits; a runaway one gets 413).
    static let maxBodyBytes = 32 * 1024 * 1024

    /// Answers one request.
    typealias Handler = @Sendable (GatewayHTTPRequest) async -> GatewayHTTPResponse

    /// The port the kernel assigned.
    let port: Int
    private let listener: any Channel
    private let serving: Task<Void, Never>

    private init(port: Int, listener: any Channel, serving: Task<Void, Never>) {
        self.port = port
        self.listener = listener
        self.serving = serving
    }

    /// Binds a free port on 127.0.0.1 and serves until ``stop()``.
    static func start(handler: @escaping Handler) async throws -> GatewayHTTPServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Small JSON answers: send them at once rather than wait for the client's ACK.
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw GatewayStartError(reason: "the listening socket has no port")
        }
        let listener = server.channel
        let serving = Task {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serve(connection, handler: handler) }
                    }
                }
            }
        }
        return GatewayHTTPServer(port: port, listener: listener, serving: serving)
    }

    /// Stops accepting, cancels the requests in flight and closes every connection.
    func stop() async {
        try? await listener.close()
        // Idle keep-alive connections would otherwise hold the task group open until their
        // clients hang up; cancelling ends their reads.
        serving.cancel()
        await serving.value
    }

    /// Answers the requests of one connection in order until it closes.
    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, handler: Handler) async {
        // A connection's failure (a client hanging up mid-request) is that connection's alone.
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let received):
                    head = received
                    body.clear()
                    tooLarge = false
                    // curl asks before sending a large body, and would otherwise wait a second.
                    if received.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                        try await outbound.write(.head(HTTPResponseHead(version: received.version, status: .continue)))
                    }
                case .body(var chunk):
                    // Past the limit the rest is read and dropped, so the answer (413) still
                    // comes after the whole request, as HTTP/1.1 clients expect.
                    if body.readableBytes + chunk.readableBytes > maxBodyBytes { tooLarge = true }
                    if !tooLarge { body.writeBuffer(&chunk) }
                case .end:
                    guard let request = head else { continue }
                    head = nil
                    let response: GatewayHTTPResponse
                    if tooLarge {
                        response = GatewayRefusal.tooLarge(limit: maxBodyBytes).response
                    } else {
                        let path = String(request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                        response = await handler(
                            GatewayHTTPRequest(method: request.method.rawValue, path: path, headers: request.headers, body: Data(body.readableBytesView)))
                    }
                    try await outbound.write(contentsOf: parts(of: response, for: request))
                    if !request.isKeepAlive { return }
                }
            }
        }
    }

    /// The response's head, body and end.
    private static func parts(of response: GatewayHTTPResponse, for request: HTTPRequestHead) -> [HTTPServerResponsePart] {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        return [.head(head), .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil)]
    }
}

/// The model gateway could not start listening on 127.0.0.1.
public struct GatewayStartError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var reason: String
    public var description: String { "the model gateway could not start on 127.0.0.1: \(reason)" }
}
