import Foundation
import ImproveCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The retry, timeout, concurrency and error-mapping loop shared by the HTTP model clients.
struct HTTPTransport: Sendable {
    let provider: String
    let timeoutSeconds: Double
    let retry: RetryPolicy
    let limiter: ConcurrencyLimiter
    let redactor: Redactor

    /// One process-wide session: connection reuse across clients, and a per-host connection cap
    /// above any provider's concurrency limit so the limiter, not libcurl, decides.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 256
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()

    struct Reply {
        let body: Data
        let latencyMs: Double
    }

    /// Sends `body` to `url` with `headers`, retrying what is worth retrying, and returns the
    /// body of the first 2xx answer.
    ///
    /// - Parameter model: the requested model id, for ``ModelError/unknownModel(provider:model:detail:)``.
    func post(_ url: URL, headers: [String: String], body: Data, model: String) async throws -> Reply {
        var random = SeededRandom.derived(seed: 0, label: ContentHash.sha256(body))
        var lastProblem = ""
        var lastWasTimeout = false
        for attempt in 1...retry.maxAttempts {
            try Task.checkCancellation()
            var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeoutSeconds)
            request.httpMethod = "POST"
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            request.httpBody = body

            var retryAfter: Double?
            try await limiter.acquire()
            let started = ContinuousClock.now
            let outcome: Result<(Data, URLResponse), any Error>
            do {
                outcome = .success(try await Self.send(request, timeoutSeconds: timeoutSeconds))
            } catch {
                outcome = .failure(error)
            }
            let elapsed = ContinuousClock.now - started
            await limiter.release()

            switch outcome {
            case .failure(let error):
                if error is CancellationError { throw error }
                if let urlError = error as? URLError {
                    if urlError.code == .cancelled { throw CancellationError() }
                    lastWasTimeout = urlError.code == .timedOut
                    lastProblem = lastWasTimeout ? "no answer within \(timeoutSeconds) s" : "connection error: \(urlError.code.rawValue) \(urlError.localizedDescription)"
                } else {
                    lastWasTimeout = false
                    lastProblem = "connection error: \(error)"
                }
            case .success(let (data, response)):
                guard let http = response as? HTTPURLResponse else {
                    throw ModelError.malformedResponse(provider: provider, detail: "not an HTTP response")
                }
                let status = http.statusCode
                if (200..<300).contains(status) {
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    return Reply(body: data, latencyMs: seconds * 1000)
                }
                let detail = redactor.redact(Self.errorDetail(data))
                lastWasTimeout = false
                switch status {
                case 401, 403:
                    throw ModelError.unauthorized(provider: provider, status: status, detail: detail)
                case 404:
                    // A server that knows the path but not the model says so; a bare 404 (an
                    // HTML page, {"detail": "Not Found"}) means the path itself is wrong.
                    if detail.lowercased().contains("model") {
                        throw ModelError.unknownModel(provider: provider, model: model, detail: detail)
                    }
                    throw ModelError.endpointNotFound(provider: provider, url: redactor.redact(url.absoluteString), detail: ReplyShape.describe(data))
                case 408, 409, 425, 429, 500...599:
                    retryAfter = RetryPolicy.parseRetryAfter(http.value(forHTTPHeaderField: "Retry-After"))
                    lastProblem = "HTTP \(status): \(detail)"
                case 400, 422:
                    if Self.mentionsUnknownModel(detail) { throw ModelError.unknownModel(provider: provider, model: model, detail: detail) }
                    throw ModelError.badRequest(provider: provider, status: status, detail: detail)
                default:
                    throw ModelError.badRequest(provider: provider, status: status, detail: detail)
                }
            }
            guard attempt < retry.maxAttempts else { break }
            guard let wait = retry.delay(afterAttempt: attempt, retryAfter: retryAfter, random: &random) else {
                lastProblem += " (Retry-After \(retryAfter.map { String($0) } ?? "?") s exceeds the \(retry.maxRetryAfter) s limit)"
                break
            }
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up)))) }
        }
        if lastWasTimeout { throw ModelError.timeout(provider: provider, seconds: timeoutSeconds) }
        throw ModelError.exhausted(provider: provider, attempts: retry.maxAttempts, last: redactor.redact(lastProblem))
    }

    /// Sends one request, giving up after `timeoutSeconds` whole: libcurl's idle timeout does not
    /// fire for a server that accepts the request and then stays silent.
    static func send(_ request: URLRequest, timeoutSeconds: Double) async throws -> (Data, URLResponse) {
        // The completion-handler API, not `session.data(for:)`: FoundationNetworking cancels an
        // async data task from inside Swift's task-status lock and takes the session's queue,
        // while the session's queue resumes the continuation under that queue and needs the
        // same lock — a timeout racing a completion deadlocked.
        //
        // A timed-out or cancelled request is abandoned, never `cancel()`ed: FoundationNetworking's
        // cancel checks the task is running, then reports the failure later on its own queue,
        // and a completion landing in between has already removed the task from the session's
        // registry — a fatal error that killed `improve-cli` on Ctrl-C. An abandoned request ends
        // when the server answers or closes; its answer is ignored (and, if paid, its step is
        // retried, which `improve-cli show` flags).
        let race = FirstResult<SentReply>()
        let reply = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SentReply, any Error>) in
                race.install(continuation)
                let dataTask = session.dataTask(with: request) { data, response, error in
                    if let error {
                        race.finish(.failure(error))
                    } else if let response {
                        race.finish(.success(SentReply(data: data ?? Data(), response: response)))
                    } else {
                        race.finish(.failure(URLError(.badServerResponse)))
                    }
                }
                dataTask.resume()
                DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds) {
                    race.finish(.failure(URLError(.timedOut)))
                }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
        return (reply.data, reply.response)
    }

    /// `URLResponse` is an immutable class that Foundation does not mark `Sendable`.
    private struct SentReply: @unchecked Sendable {
        let data: Data
        let response: URLResponse
    }

    /// The provider's error message when the body has one, else the start of the body.
    static func errorDetail(_ data: Data) -> String {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            if let message = value["error"]?["message"]?.stringValue { return message }
            if let message = value["error"]?.stringValue { return message }
            if let message = value["message"]?.stringValue { return message }
            if let message = value["detail"]?.stringValue { return message }
        }
        let text = String(decoding: data.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }

    static func mentionsUnknownModel(_ detail: String) -> Bool {
        let lower = detail.lowercased()
        return lower.contains("model") && (lower.contains("not found") || lower.contains("does not exist") || lower.contains("unknown") || lower.contains("invalid model"))
    }

    /// Decodes a JSON body or fails with ``ModelError/malformedResponse(provider:detail:)``
    /// saying what the body is instead (empty, an HTML page, JSON cut off) and what to check.
    func decode(_ data: Data) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ModelError.malformedResponse(provider: provider, detail: redactor.redact(ReplyShape.problem(data)))
        }
    }
}

/// Whether the model id a server reports is the one requested.
package enum ServedModel {
    /// Exact match, or a dated snapshot of the requested model (`gpt-4o-mini` served as
    /// `gpt-4o-mini-2024-07-18`), which hosted providers report for undated aliases.
    package static func matches(requested: String, served: String) -> Bool {
        if served == requested { return true }
        guard served.hasPrefix(requested + "-") else { return false }
        let suffix = served.dropFirst(requested.count + 1)
        return !suffix.isEmpty && suffix.allSatisfy { $0.isNumber || $0 == "-" } && suffix.first?.isNumber == true && suffix.count >= 4
    }
}

extension HTTPTransport {
    /// The transport for a provider's client: the config's timeout, its retry schedule unless
    /// one is given, the provider's shared limiter (a private one when nil), key redaction.
    init(config: ProviderConfig, apiKey: String?, limiter: ConcurrencyLimiter?, retry: RetryPolicy?) {
        self.init(
            provider: config.name, timeoutSeconds: config.timeoutSeconds,
            retry: retry ?? .standard(maxRetries: config.maxRetries),
            limiter: limiter ?? ConcurrencyLimiter(limit: config.concurrency),
            redactor: .forClient(apiKey: apiKey))
    }
}
