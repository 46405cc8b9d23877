import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests: real sockets, keep-alive, `Content-Length`
/// bodies and `Expect: 100-continue`, one thread per connection, handlers called on it.
///
/// It runs on its own threads rather than on Swift concurrency's cooperative pool, so a test
/// process whose pool is busy (a parallel test run keeps it saturated) still answers at once —
/// a stub that answered late made clients time out and retry, and tests saw duplicates. And
/// every socket has one owner: only the thread that accepted or opened a descriptor closes it,
/// and `stop()` merely shuts sockets down. A descriptor number is never used after its close,
/// so it cannot reach a socket that later reuses the number (the cross-talk seen with a server
/// that closed connections from another task while HTTP clients in the same process opened new ones).
public final class LoopbackHTTPServer: @unchecked Sendable {
    /// One parsed request.
    public struct Request: Sendable {
        public var method: String
        /// The path without the query.
        public var path: String
        /// Header values by lower-cased name.
        public var headers: [String: String]
        public var body: Data
    }

    /// One response; `Content-Length` and `Connection` are added by the server.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data

        public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// Answers one request, on the connection's thread.
    public typealias Handler = @Sendable (Request) -> Response

    /// The port the kernel assigned.
    public let port: UInt16
    private let listener: Int32
    private let handler: Handler
    // Guards `open` and `stopped`: shutdown() is only called on descriptors still in `open`,
    // and a descriptor leaves `open` before its owner closes it.
    private let lock = NSLock()
    private var open: Set<Int32> = []
    private var stopped = false

    /// Binds an ephemeral port on 127.0.0.1, listens and starts accepting.
    public init(handler: @escaping Handler) throws {
        self.handler = handler
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LoopbackServerError.system("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw LoopbackServerError.system("bind/listen", code)
        }
        var assigned = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &assigned) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: assigned.sin_port)
        open.insert(fd)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "loopback-http-accept-\(port)"
        thread.start()
    }

    /// Stops accepting and ends every open connection; returns without waiting for the threads.
    public func stop() {
        lock.withLock {
            stopped = true
            for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                break
            }
            #if !canImport(Glibc)
            var on: Int32 = 1
            _ = setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let admitted = lock.withLock {
                if stopped { return false }
                open.insert(client)
                return true
            }
            guard admitted else {
                close(client)
                break
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.name = "loopback-http-\(port)"
            thread.start()
        }
        release(listener)
    }

    private func release(_ fd: Int32) {
        lock.withLock { _ = open.remove(fd) }
        close(fd)
    }

    private func serve(_ fd: Int32) {
        var reader = SocketReader(fd: fd)
        while let request = readRequest(&reader, fd: fd) {
            let response = handler(request)
            let keepAlive = request.headers["connection"]?.lowercased() != "close"
            guard write(response, keepAlive: keepAlive, to: fd), keepAlive else { break }
        }
        release(fd)
    }

    private func readRequest(_ reader: inout SocketReader, fd: Int32) -> Request? {
        guard let head = reader.readHead() else { return nil }
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["expect"]?.lowercased() == "100-continue" {
            guard send(Data("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: fd) else { return nil }
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard let body = reader.read(count: length) else { return nil }
        let target = String(parts[1])
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        return Request(method: String(parts[0]), path: path, headers: headers, body: body)
    }

    private func write(_ response: Response, keepAlive: Bool, to fd: Int32) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(response.body.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        return send(Data(head.utf8) + response.body, to: fd)
    }

    private func send(_ data: Data, to fd: Int32) -> Bool {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                // A client that gave up (a timeout test) must not SIGPIPE the process: MSG_NOSIGNAL
                // on Linux, SO_NOSIGPIPE (set at accept) on Darwin.
                #if canImport(Glibc)
                let sent = Glibc.send(fd, buffer.baseAddress?.advanced(by: offset), buffer.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let sent = Darwin.send(fd, buffer.baseAddress?.advanced(by: offset), buffer.count - offset, 0)
                #endif
                if sent < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += sent
            }
            return true
        }
    }

    static func reason(_ status: Int) -> String {
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

/// Errors starting a ``LoopbackHTTPServer``.
public enum LoopbackServerError: Error, CustomStringConvertible {
    case system(String, Int32)
    public var description: String {
        switch self {
        case .system(let call, let code): return "loopback server: \(call) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// Buffered reads from a connected socket.
private struct SocketReader {
    let fd: Int32
    var buffer = Data()

    init(fd: Int32) {
        self.fd = fd
    }

    /// The request line and headers, without the blank line; nil when the peer closed.
    mutating func readHead() -> String? {
        let separator = Data("\r\n\r\n".utf8)
        while true {
            if let range = buffer.range(of: separator) {
                let head = String(decoding: buffer[buffer.startIndex..<range.lowerBound], as: UTF8.self)
                buffer = Data(buffer[range.upperBound...])
                return head
            }
            guard fill() else { return nil }
        }
    }

    mutating func read(count: Int) -> Data? {
        while buffer.count < count {
            guard fill() else { return nil }
        }
        let body = Data(buffer.prefix(count))
        buffer = Data(buffer.dropFirst(count))
        return body
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }
}
