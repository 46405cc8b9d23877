import Foundation
import ImproveCore
import Testing

/// Item results are stored (step journals, stores, eval reports) before and after the failure
/// kind existed: an old record takes the kind its error text implied, and the text never changes.
@Suite("Item results: the failure kind")
struct ItemResultCodingTests {
    static func decode(_ json: String) throws -> ItemResult {
        try JSONDecoder().decode(ItemResult.self, from: Data(json.utf8))
    }

    @Test func anOldRecordWithASimulatorErrorDecodesAsASimulatorFailure() throws {
        let result = try Self.decode(#"{"itemID":"refund#0","score":0,"feedback":"","dimensions":{},"error":"simulator: timed out after 30 s"}"#)
        #expect(result.failure == .simulator)
        #expect(result.error == "simulator: timed out after 30 s")
    }

    @Test(arguments: ["timeout", "agent: the provider said 503", "judge: malformed verdict"])
    func anOldRecordWithAnyOtherErrorDecodesAsInfrastructure(error: String) throws {
        let result = try Self.decode(#"{"itemID":"a","score":0,"feedback":"","dimensions":{},"error":"\#(error)"}"#)
        #expect(result.failure == .infrastructure)
        #expect(result.error == error)
    }

    @Test func aResultWithoutAnErrorHasNoFailure() throws {
        #expect(try Self.decode(#"{"itemID":"a","score":1,"feedback":"","dimensions":{}}"#).failure == nil)
        #expect(ItemResult(itemID: "a", score: 1, failure: .simulator).failure == nil)
    }

    @Test func theStoredKindWinsOverTheTextAndSurvivesARoundTrip() throws {
        let stored = ItemResult(itemID: "a", score: 0, error: "the user model timed out", failure: .simulator)
        let decoded = try JSONDecoder().decode(ItemResult.self, from: try JSONEncoder().encode(stored))
        #expect(decoded == stored)
        #expect(try Self.decode(#"{"itemID":"a","score":0,"feedback":"","dimensions":{},"error":"simulator: x","failure":"infrastructure"}"#).failure == .infrastructure)
    }

    @Test func anErrorGivenWithoutAKindIsInfrastructure() {
        #expect(ItemResult(itemID: "a", score: 0, error: "boom").failure == .infrastructure)
    }
}
