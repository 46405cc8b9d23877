import Foundation
import ImproveCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs an HTTP agent: each unit is one POST of its ``AgentUnitRequest`` JSON to `agent.http.url`,
/// answered by one reply JSON (docs/agent-protocol.md).
///
/// Every unit gets a fresh gateway token in `request.models.apiKey`, open only while the POST is
/// in flight: a service answering several units at once keeps their model calls apart, and a
/// request abandoned at its time limit can no longer spend.
final class HTTPAgentDriver: AgentDriver {
    let gatewayURL: URL
    private let gateway: any UnitGateway
    private let url: URL
    private let headers: [String: String]
    private let timeout: Double
    private let headerValues: Redactor
    private let credentials: Redactor

    /// Checks the URL and reads the headers' values from the environment.
    /// - Parameter parentEnvironment: where header values are read (injectable for tests);
    ///   its credential-looking values and every header value are redacted from messages.
    /// - Throws: ``AgentStartError/badURL(_:)`` or ``AgentStartError/missingHeaderVariable(header:variable:)``.
    init(
        _ context: AgentRunContext, http: AgentSpec.HTTPAgent, gateway: any UnitGateway,
        parentEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AgentStartError) {
        guard let url = URL(string: http.url), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false
        else { throw .badURL(http.url) }
        var headers: [String: String] = [:]
        for (header, variable) in http.headers.sorted(by: { $0.key < $1.key }) {
            guard let value = parentEnvironment[variable], !value.isEmpty else {
                throw .missingHeaderVariable(header: header, variable: variable)
            }
            headers[header] = value
        }
        self.url = url
        self.headers = headers
        self.gateway = gateway
        self.gatewayURL = gateway.baseURL
        self.timeout = context.spec.timeoutSeconds
        self.headerValues = Redactor(secrets: Array(headers.values))
        self.credentials = Redactor.fromEnvironment(parentEnvironment)
    }

    func respond(_ request: AgentUnitRequest) async throws -> AgentUnitOutcome {
        let token = gateway.makeToken()
        var request = request
        request.models = AgentUnitRequest.Models(baseURL: gatewayURL.absoluteString, apiKey: token, model: request.profile.model)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(request)
        gateway.open(request.unit, token: token)
        let answer: Result<AgentReply, AgentFailure>
        do {
            answer = read(try await AgentHTTPPost.send(body, to: url, headers: headers, timeout: timeout))
        } catch is CancellationError {
            _ = gateway.close(token: token)
            throw CancellationError()
        } catch let error as URLError where error.code == .timedOut {
            answer = .failure(AgentFailure(problem: "did not answer within \(timeout) s at \(url.absoluteString)"))
        } catch {
            answer = .failure(AgentFailure(problem: redact("could not be reached at \(url.absoluteString): \(error.localizedDescription)")))
        }
        return try gateway.finish(answer, token: token)
    }

    func close() async {
        await gateway.stop()
    }

    private func read(_ answer: AgentHTTPPost.Answer) -> Result<AgentReply, AgentFailure> {
        let status = answer.status
        let excerpt = redact(AgentReplyReader.excerpt(answer.body, redactor: credentials))
        guard (200..<300).contains(status) else {
            return .failure(AgentFailure(problem: "answered HTTP \(status): \(excerpt)"))
        }
        switch AgentReplyReader.read(answer.body) {
        case .success(let reply):
            return .success(reply)
        case .failure(.tooLarge(let bytes)):
            return .failure(AgentFailure(problem: "answered HTTP \(status) with \(bytes) bytes, over the \(AgentProtocol.replyLimit)-byte limit"))
        case .failure(.notJSON):
            return .failure(AgentFailure(problem: "answered HTTP \(status) with a body that is not JSON: \(excerpt)"))
        case .failure(.outOfSchema(let detail)):
            return .failure(AgentFailure(problem: "answered HTTP \(status) out of protocol: \(detail); body: \(excerpt)"))
        }
    }

    /// `text` without the header values or the parent's credentials.
    private func redact(_ text: String) -> String {
        credentials.redact(headerValues.redact(text))
    }
}
