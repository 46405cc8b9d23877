import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

@Suite("Store: journaled model client over loopback HTTP")
struct StoreJournaledModelTests {
    @Test func aCompletedCallReplaysWithoutReachingTheServer() async throws {
        let stub = try await StubModelServer.start(responder: StubModelServer.hashedAnswer(delay: .milliseconds(5)))
        let dir = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: dir.path("improve.sqlite"))
        let runID = try await store.openRun(sampleSpec(), workerID: "w").run.id
        let model = ModelSpec(provider: "local", id: "smollm2", maxTokens: 8)
        let requests = ["great film", "dull plot", "great film"].map { ChatRequest(model: model, messages: [.system("Classify."), .user($0)]) }

        func pass() async throws -> [ChatResponse] {
            let client = JournaledModelClient(stub.client(), journal: try await store.journal(runID: runID, workerID: "w"))
            var responses: [ChatResponse] = []
            for request in requests { responses.append(try await client.complete(request)) }
            return responses
        }
        let first = try await pass()
        #expect(stub.completionRequests.count == 3)
        #expect(first.map(\.text) == requests.map { StubModelServer.hashedAnswerText(to: $0.messages[1].content) })

        let replayed = try await pass()
        #expect(stub.completionRequests.count == 3)
        #expect(replayed == first)

        let run = try #require(try await store.run(id: runID))
        #expect(run.paidSteps == 3)
        #expect(run.spent.outputTokens == 15)
        let summary = try await store.summary(runID: runID, lastEvents: 0)
        #expect(Array(summary.ledgerByModel.keys) == ["local/smollm2"])
        await stub.stop()
    }
}
