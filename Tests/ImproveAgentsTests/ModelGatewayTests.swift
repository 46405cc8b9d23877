import Foundation
import ImproveAgents
import ImproveCore
import ImproveTestSupport
import Synchronization
import Testing

@Suite("Model gateway: guard, journal and attribution over loopback HTTP")
struct ModelGatewayTests {
    /// Answers `answer-N` for the N-th call it is asked, so a replay is told from a new call.
    static func countingProvider() -> ScriptedModelClient {
        let count = Mutex(0)
        return ScriptedModelClient { _ in
            "answer-" + String(count.withLock { $0 += 1; return $0 })
        }
    }

    @Test func aTokenThatIsNotOpenIsRefusedWith401() async throws {
        let provider = Self.countingProvider()
        let harness = try await GatewayHarness(provider: provider)
        let gateway = try await harness.startGateway()
        let made = gateway.makeToken()
        #expect(made.count == 64 && made.allSatisfy(\.isHexDigit))
        #expect(gateway.makeToken() != made)

        let closed = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: closed)
        _ = gateway.close(token: closed)

        for token in [nil, "not-a-token-improve-gave", made, closed] {
            let answer = try await post(chatBody("hi"), to: gateway, token: token)
            #expect(answer.status == 401)
            #expect(answer.errorType == "authentication_error")
            #expect(answer.errorMessage.contains("Bearer") || answer.errorMessage.contains("not open"))
            if let token { #expect(!answer.errorMessage.contains(token)) }
        }
        #expect(provider.callCount == 0)
        await gateway.stop()
    }

    @Test func aForbiddenModelIs403AndABreachWithNothingSent() async throws {
        let provider = Self.countingProvider()
        let harness = try await GatewayHarness(provider: provider)
        let gateway = try await harness.startGateway()
        let token = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: token)

        let answer = try await post(chatBody("hi", model: "openai/gpt-4o"), to: gateway, token: token)
        #expect(answer.status == 403)
        #expect(answer.errorType == "permission_error")
        #expect(answer.errorMessage.contains("openai/gpt-4o"))
        #expect(answer.errorMessage.contains("local/*"))
        #expect(answer.errorMessage.contains("policy.yaml"))

        let report = gateway.close(token: token)
        #expect(report.breach == .notAllowed(model: "openai/gpt-4o", allowed: ["local/*"], role: "agent"))
        #expect(report.calls == 0)
        #expect(provider.callCount == 0)
        #expect(try await harness.paidSteps() == 0)
        await gateway.stop()
    }

    @Test func aServedModelOutsideThePolicyIsABreach() async throws {
        let harness = try await GatewayHarness(provider: ServedAs(model: "gpt-4o"), allowed: AllowedModels(["local/smollm2"]))
        let gateway = try await harness.startGateway()
        let token = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: token)

        let answer = try await post(chatBody("hi", model: "smollm2"), to: gateway, token: token)
        #expect(answer.status == 403)
        #expect(gateway.close(token: token).breach == .notAllowed(model: "local/gpt-4o", allowed: ["local/smollm2"], role: "agent"))
        await gateway.stop()
    }

    @Test func aCallIsJournaledAndReplayedByTheNextGatewayOnTheRun() async throws {
        let provider = Self.countingProvider()
        let harness = try await GatewayHarness(provider: provider)
        let unit = AgentUnitRequest.Unit(id: "item-1", trial: 0, turn: 0)

        // The same call twice in one unit: two steps (the journal's occurrence count), two answers.
        func pass() async throws -> (texts: [String?], report: GatewayUnitReport) {
            let gateway = try await harness.startGateway()
            let token = gateway.makeToken()
            gateway.open(unit, token: token)
            var texts: [String?] = []
            for _ in 0..<2 {
                let answer = try await post(chatBody("hello there", extra: ["temperature": 0, "stream": false]), to: gateway, token: token)
                #expect(answer.status == 200)
                #expect(answer.json["object"] == "chat.completion")
                #expect(answer.json["created"] == 0)
                #expect(answer.json["model"] == "smollm2")
                texts.append(answer.text)
            }
            let report = gateway.close(token: token)
            await gateway.stop()
            return (texts, report)
        }

        let first = try await pass()
        #expect(first.texts == ["answer-1", "answer-2"])
        #expect(provider.callCount == 2)
        #expect(try await harness.paidSteps() == 2)

        let again = try await pass()
        #expect(again.texts == first.texts)
        #expect(provider.callCount == 2)
        #expect(try await harness.paidSteps() == 2)
        // Replayed calls count toward the unit as paid ones do: they are what it cost.
        #expect(again.report.calls == 2)
        #expect(again.report.usage == first.report.usage)
        #expect(first.report.usage.inputTokens == 4 && first.report.usage.outputTokens == 2)
    }

    @Test func twoUnitsWithIdenticalBodiesEachPayOnceAndAreAttributedApart() async throws {
        let provider = Self.countingProvider()
        let harness = try await GatewayHarness(provider: provider)
        let gateway = try await harness.startGateway()
        let first = gateway.makeToken()
        let second = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: first)
        gateway.open(.init(id: "item-2"), token: second)

        async let one = post(chatBody("same question"), to: gateway, token: first)
        async let two = post(chatBody("same question"), to: gateway, token: second)
        let answers = try await [one, two]
        #expect(answers.map(\.status) == [200, 200])
        #expect(Set(answers.compactMap(\.text)) == ["answer-1", "answer-2"])
        #expect(provider.callCount == 2)

        let reports = [gateway.close(token: first), gateway.close(token: second)]
        #expect(reports.map(\.calls) == [1, 1])
        #expect(reports.map(\.usage) == [Usage(inputTokens: 2, outputTokens: 1), Usage(inputTokens: 2, outputTokens: 1)])
        #expect(reports.allSatisfy { $0.breach == nil && $0.infrastructureError == nil })
        #expect(try await harness.paidSteps() == 2)
        await gateway.stop()
    }

    @Test func streamingAndMalformedBodiesAreRefusedWith400() async throws {
        let provider = Self.countingProvider()
        let harness = try await GatewayHarness(provider: provider)
        let gateway = try await harness.startGateway()
        let token = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: token)

        let stream = try await post(chatBody("hi", extra: ["stream": true]), to: gateway, token: token)
        #expect(stream.status == 400)
        #expect(stream.errorMessage == "streaming is not supported by the improve gateway; send stream: false")

        let notJSON = try await post(raw: Data("model=x".utf8), to: gateway, token: token)
        #expect(notJSON.status == 400 && notJSON.errorMessage.contains("not JSON"))
        let noModel = try await post(["messages": [["role": "user", "content": "hi"]]], to: gateway, token: token)
        #expect(noModel.status == 400 && noModel.errorMessage.contains("no model"))
        let noMessages = try await post(["model": "local/smollm2"], to: gateway, token: token)
        #expect(noMessages.status == 400 && noMessages.errorMessage.contains("no messages"))
        let image = try await post(
            ["model": "local/smollm2", "messages": [["role": "user", "content": [["type": "image_url", "image_url": ["url": "x"]]]]]],
            to: gateway, token: token)
        #expect(image.status == 400 && image.errorMessage.contains("text parts only"))
        let route = try await post(raw: Data(), to: gateway, token: token, path: "embeddings")
        #expect(route.status == 404)

        #expect(provider.callCount == 0)
        #expect(gateway.close(token: token) == GatewayUnitReport())
        await gateway.stop()
    }

    @Test func textPartsAndABareModelIdAreServed() async throws {
        let provider = Self.countingProvider()
        let harness = try await GatewayHarness(provider: provider)
        let gateway = try await harness.startGateway()
        let token = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: token)

        let body: JSONValue = [
            "model": "smollm2", "max_completion_tokens": 12, "seed": 7, "stop": "END",
            "messages": [
                ["role": "developer", "content": "Be brief."],
                ["role": "user", "content": [["type": "text", "text": "two "], ["type": "text", "text": "parts"]]],
            ],
        ]
        let answer = try await post(body, to: gateway, token: token)
        #expect(answer.status == 200)
        let sent = try #require(provider.calls.first)
        #expect(sent.model == ModelSpec(provider: "local", id: "smollm2", temperature: 0, maxTokens: 12, seed: 7))
        #expect(sent.messages == [.system("Be brief."), .user("two parts")])
        #expect(sent.stop == ["END"])
        #expect(sent.tools == nil)
        _ = gateway.close(token: token)
        await gateway.stop()
    }

    @Test func aClientThatExpects100ContinueGetsItsAnswer() async throws {
        let harness = try await GatewayHarness(provider: Self.countingProvider())
        let gateway = try await harness.startGateway()
        let token = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: token)
        let long = String(repeating: "word ", count: 2000)
        // Without the interim 100 libcurl (URLSession on Linux) waits a second before sending
        // the body; with it the test takes milliseconds alone (not asserted: parallel test
        // runs make wall-clock bounds flaky).
        let answer = try await post(raw: try CanonicalJSON.encode(chatBody(long)), to: gateway, token: token, headers: ["Expect": "100-continue"])
        #expect(answer.status == 200)
        _ = gateway.close(token: token)
        await gateway.stop()
    }

    @Test func aProviderFailureIs502AndAnInfrastructureFailureOfTheUnit() async throws {
        let harness = try await GatewayHarness(provider: ScriptedModelClient { _ in
            throw ModelError.exhausted(provider: "local", attempts: 3, last: "HTTP 503")
        })
        let gateway = try await harness.startGateway()
        let token = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: token)

        let answer = try await post(chatBody("hi"), to: gateway, token: token)
        #expect(answer.status == 502)
        #expect(answer.errorMessage.contains("failed after 3 attempts"))
        let report = gateway.close(token: token)
        #expect(report.infrastructureError?.contains("failed after 3 attempts") == true)
        #expect(report.calls == 0 && report.breach == nil)
        await gateway.stop()
    }

    @Test func theModelListIsThePolicysPatterns() async throws {
        let harness = try await GatewayHarness(provider: Self.countingProvider(), allowed: AllowedModels(["local/*", "openai/gpt-4o-mini"]))
        let gateway = try await harness.startGateway()
        let token = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: token)
        let answer = try await post(raw: Data(), to: gateway, token: token, path: "models", method: "GET")
        #expect(answer.status == 200)
        #expect(answer.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["local/*", "openai/gpt-4o-mini"])
        _ = gateway.close(token: token)
        await gateway.stop()
    }
}

/// A provider that says another model served every call.
private struct ServedAs: ModelClient {
    var model: String
    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        ChatResponse(text: "hi", usage: Usage(inputTokens: 1, outputTokens: 1), servedModel: model)
    }
}
