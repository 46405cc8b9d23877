import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

@Suite("Cassettes")
struct CassetteTests {
    static let base = ChatRequest(
        model: ModelSpec(provider: "local", id: "m", temperature: 0, maxTokens: 8, seed: 1), messages: [.system("s"), .user("u")], stop: ["x"])

    static func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cassette-\(UUID().uuidString).jsonl")
    }

    @Test("the key is stable and pinned to its canonical document")
    func stableKey() throws {
        let key = try CassetteKey.of(Self.base, endpoint: "http://loopback/v1")
        #expect(key == (try CassetteKey.of(Self.base, endpoint: "http://loopback/v1")))
        let document = #"{"baseURL":"http://loopback/v1","maxTokens":8,"messages":[{"content":"s","role":"system"},{"content":"u","role":"user"}],"model":"m","provider":"local","scheme":1,"seed":1,"stop":["x"],"temperature":0}"#
        #expect(key == ContentHash.sha256(document))
    }

    @Test("the key changes when any field that decides the answer changes")
    func keyDiffers() throws {
        let key = try CassetteKey.of(Self.base, endpoint: "e")
        var variants: [(ChatRequest, String)] = []
        func variant(_ change: (inout ChatRequest) -> Void) {
            var request = Self.base
            change(&request)
            variants.append((request, "e"))
        }
        variant { $0.model.provider = "openai" }
        variant { $0.model.id = "m2" }
        variant { $0.model.temperature = 0.1 }
        variant { $0.model.maxTokens = 9 }
        variant { $0.model.seed = nil }
        variant { $0.model.seed = 2 }
        variant { $0.stop = [] }
        variant { $0.messages[1].content = "u " }
        variant { $0.messages[0].role = .user }
        variants.append((Self.base, "other-endpoint"))
        let keys = try variants.map { try CassetteKey.of($0.0, endpoint: $0.1) }
        #expect(!keys.contains(key))
        #expect(Set(keys).count == keys.count)
    }

    @Test("loopback ports do not change the endpoint identity; hosts and paths do")
    func endpointIdentity() throws {
        let a = try #require(URL(string: "http://127.0.0.1:4000/v1"))
        let b = try #require(URL(string: "http://localhost:5111/v1/"))
        let c = try #require(URL(string: "https://api.openai.com/v1"))
        #expect(EndpointIdentity.of(a) == "http://loopback/v1")
        #expect(EndpointIdentity.of(b) == "http://loopback/v1")
        #expect(EndpointIdentity.of(c) == "https://api.openai.com/v1")
    }

    @Test("record-missing calls once per new request, then replays from the file in a fresh client")
    func recordThenReplay() async throws {
        let file = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let inner = ScriptedModelClient { "answer to \($0.messages.last?.content ?? "")" }
        let recorder = try CassetteModelClient(inner: inner, file: file, mode: .recordMissing, endpoint: "e")
        let first = try await recorder.complete(Self.base)
        let again = try await recorder.complete(Self.base)
        #expect(inner.callCount == 1)
        #expect(first.source == "stub")
        #expect(again.source == "replay")
        #expect(again.text == first.text)

        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)

        let replayer = try CassetteModelClient(inner: ScriptedModelClient { _ in "never" }, file: file, mode: .replayOnly, endpoint: "e")
        let replayed = try await replayer.complete(Self.base)
        #expect(replayed.text == first.text && replayed.usage == first.usage && replayed.source == "replay")

        var other = Self.base
        other.messages[1].content = "different"
        let key = try replayer.key(for: other)
        let error = try await #require(throws: ModelError.self) { try await replayer.complete(other) }
        #expect(error == .cassetteMiss(key: key, cassette: file.path))
    }

    @Test("record mode always calls and appends")
    func recordAlwaysCalls() async throws {
        let file = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let inner = ScriptedModelClient { _ in "x" }
        let recorder = try CassetteModelClient(inner: inner, file: file, mode: .record, endpoint: "e")
        _ = try await recorder.complete(Self.base)
        _ = try await recorder.complete(Self.base)
        #expect(inner.callCount == 2)
        #expect(try String(contentsOf: file, encoding: .utf8).split(separator: "\n").count == 2)
    }

    @Test("concurrent recording writes whole lines only")
    func concurrentAppends() async throws {
        let file = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let recorder = try CassetteModelClient(inner: ScriptedModelClient { String(repeating: $0.messages[1].content, count: 200) }, file: file, mode: .recordMissing, endpoint: "e")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                var request = Self.base
                request.messages[1].content = "q\(index)"
                group.addTask { _ = try await recorder.complete(request) }
            }
            try await group.waitForAll()
        }
        let reopened = try CassetteModelClient(inner: ScriptedModelClient { _ in "" }, file: file, mode: .replayOnly, endpoint: "e")
        #expect(reopened.count == 40)
    }

    @Test("a corrupt line is reported with file and line number")
    func corruptLine() throws {
        let file = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("{\"key\": 1}\n".utf8).write(to: file)
        #expect(throws: CassetteError.badLine(file: file.path, line: 1)) {
            _ = try CassetteModelClient(inner: ScriptedModelClient { _ in "" }, file: file, mode: .replayOnly)
        }
    }
}
