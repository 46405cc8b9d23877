import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// One uninterrupted `improve-cli run` of a copy of Profiles/sentiment against its own stub: the
/// reference a stopped-and-resumed run (SIGKILL chaos, a spend ceiling) must match, down to the
/// requests each completion body received.
struct ReferenceRun {
    let result: CLIProcess.Result
    /// Requests per completion body, to check that no completed call was paid twice.
    let countsByBodyHash: [String: Int]
    let totalRequests: Int

    static func sentiment(responder: @escaping StubModelServer.Responder, budget: Int = 140) async throws -> ReferenceRun {
        let server = try await StubModelServer.start(responder: responder)
        let profile = try Fixtures.copyOfProfile("sentiment")
        let result = try await CLIProcess.run(
            ["run", profile.path, "--store", "store.sqlite", "--budget", String(budget), "--json"], in: profile.deletingLastPathComponent(),
            environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()
        try #require(result.status == 0 || result.status == 3, "reference run failed: \(result.stderr)")
        return ReferenceRun(result: result, countsByBodyHash: server.countsByBodyHash, totalRequests: server.completionRequests.count)
    }
}
