import Foundation
import ImproveCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One POST to an HTTP agent, given up after its time limit whole.
///
/// The same shape as ImproveHTTP's transport, for the same FoundationNetworking reasons: the
/// completion-handler API rather than `data(for:)` (an async data task cancelled while its
/// completion lands deadlocked), and a timed-out or cancelled request abandoned rather than
/// `cancel()`ed (a cancel racing the completion is a fatal error in FoundationNetworking). An
/// abandoned request ends when the agent answers or closes; its gateway token is closed by then,
/// so any model call it still makes is refused.
enum AgentHTTPPost {
    /// What came back.
    struct Answer: @unchecked Sendable {
        // `HTTPURLResponse` is an immutable class that Foundation does not mark `Sendable`.
        let status: Int
        let body: Data
    }

    /// No caching, no cookies; a connection cap above any sane lane count.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 256
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration)
    }()

    /// POSTs `body` to `url` with `headers`.
    /// - Throws: `URLError(.timedOut)` after `timeout` seconds, the transport's error, or
    ///   `CancellationError`.
    static func send(_ body: Data, to url: URL, headers: [String: String], timeout: Double) async throws -> Answer {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let race = FirstResult<Answer>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Answer, any Error>) in
                race.install(continuation)
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        race.finish(.failure(error))
                    } else if let response = response as? HTTPURLResponse {
                        race.finish(.success(Answer(status: response.statusCode, body: data ?? Data())))
                    } else {
                        race.finish(.failure(URLError(.badServerResponse)))
                    }
                }
                task.resume()
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                    race.finish(.failure(URLError(.timedOut)))
                }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}
