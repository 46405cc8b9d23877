import Foundation
import ImproveAgents
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A run in a fresh SQLite store with a model gateway over a given provider client, and a
/// URLSession client of the gateway: real sockets, a real journal.
final class GatewayHarness: Sendable {
    let directory: URL
    let store: SQLiteRunStore
    let runID: String
    let provider: any ModelClient
    let allowed: AllowedModels
    static let taskModel = ModelSpec(provider: "local", id: "smollm2", maxTokens: 64)

    init(provider: any ModelClient, allowed: AllowedModels = AllowedModels(["local/*"])) async throws {
        directory = try Fixtures.temporaryDirectory("improve-gateway")
        store = try SQLiteRunStore(path: directory.appendingPathComponent("improve.sqlite").path)
        let spec = RunSpec(
            dedupeKey: "gateway/test", seed: 1, profileName: "agent", profileHash: "abc", surface: "prompt", generator: "reflective",
            config: [:], policy: [:])
        runID = try await store.openRun(spec, workerID: "w").run.id
        self.provider = provider
        self.allowed = allowed
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A gateway on a new journal of the run (as a resumed run, or the same command again, has).
    func startGateway() async throws -> ModelGateway {
        let journal = try await store.journal(runID: runID, workerID: "w")
        let provider = provider
        let context = AgentRunContext(
            spec: AgentSpec(kind: .exec(.init(command: ["true"]))), directory: directory, journal: journal, allowed: allowed,
            concurrency: 2, taskModel: Self.taskModel, makeClient: { _ in provider })
        return try await ModelGateway.start(context)
    }

    /// Paid model-call steps of the run so far.
    func paidSteps() async throws -> Int {
        try await store.run(id: runID)?.paidSteps ?? -1
    }
}

/// What the gateway answered: the status and the JSON body.
struct GatewayAnswer {
    var status: Int
    var json: JSONValue

    var errorMessage: String { json["error"]?["message"]?.stringValue ?? "" }
    var errorType: String { json["error"]?["type"]?.stringValue ?? "" }
    var text: String? { json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue }
}

/// Sends `body` to the gateway's chat completions with `token` (none when nil).
func post(_ body: JSONValue, to gateway: ModelGateway, token: String?) async throws -> GatewayAnswer {
    try await post(raw: try CanonicalJSON.encode(body), to: gateway, token: token)
}

/// Sends raw bytes to the gateway's chat completions.
func post(
    raw body: Data, to gateway: ModelGateway, token: String?, path: String = "chat/completions", method: String = "POST", headers: [String: String] = [:]
) async throws -> GatewayAnswer {
    var request = URLRequest(url: gateway.baseURL.appendingPathComponent(path))
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.httpMethod = method
    if method == "POST" { request.httpBody = body }
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    let (data, response) = try await URLSession.shared.data(for: request)
    let status = (response as? HTTPURLResponse)?.statusCode ?? -1
    let json = (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .string(String(decoding: data, as: UTF8.self))
    return GatewayAnswer(status: status, json: json)
}

/// A plain chat body for the profile's model.
func chatBody(_ message: String, model: String = "local/smollm2", extra: [String: JSONValue] = [:]) -> JSONValue {
    var object: [String: JSONValue] = ["model": .string(model), "messages": [["role": "user", "content": .string(message)]]]
    for (key, value) in extra { object[key] = value }
    return .object(object)
}
