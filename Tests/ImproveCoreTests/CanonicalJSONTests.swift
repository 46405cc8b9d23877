import Foundation
import ImproveCore
import Testing

@Suite("Canonical JSON and content hashes")
struct CanonicalJSONTests {
    @Test("vectors: keys sorted by UTF-8 bytes, no whitespace, numbers and strings spelled one way", arguments: [
        (JSONValue.object(["b": 1, "a": [true, .null], "B": "x"]), #"{"B":"x","a":[true,null],"b":1}"#),
        (.number(1), "1"),
        (.number(-0.0), "0"),
        (.number(0.1), "0.1"),
        (.number(1e-7), "1e-7"),
        (.number(1.5e300), "1.5e+300"),
        (.number(-42), "-42"),
        (.number(1e16), "1e+16"),
        (.number(9_007_199_254_740_992), "9007199254740992"),
        (.number(9_999_999_999_999_998), "9999999999999998"),
        (.number(-18_014_398_509_481_984), "-1.8014398509481984e+16"),
        (.string("é/ü 😀"), "\"é/ü 😀\""),
        (.string("tab\tnl\nq\"bs\\"), #""tab\tnl\nq\"bs\\""#),
        (.string("\u{01}\u{1f}\u{08}\u{0C}\r"), #""\u0001\u001f\b\f\r""#),
        (.object(["é": 1, "z": 2]), #"{"z":2,"é":1}"#),
    ])
    func vectors(value: JSONValue, expected: String) throws {
        #expect(try CanonicalJSON.string(value) == expected)
    }

    @Test("NaN and infinities are refused, not spelled")
    func nonFinite() {
        #expect(throws: CanonicalJSON.NonFiniteNumber.self) { try CanonicalJSON.string(.number(.nan)) }
        #expect(throws: CanonicalJSON.NonFiniteNumber.self) { try CanonicalJSON.string(["x": .number(.infinity)]) }
    }

    @Test("SHA-256 and HMAC-SHA256 match published vectors")
    func hashVectors() {
        #expect(ContentHash.sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentHash.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        #expect(ContentHash.hmacSHA256(Data("what do ya want for nothing?".utf8), key: Data("Jefe".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("the content hash ignores key order and hashes the canonical bytes")
    func contentHashIsCanonical() throws {
        let a: JSONValue = ["x": 1, "y": [0.1, "s"]]
        let b = try JSONDecoder().decode(JSONValue.self, from: Data(#"{ "y": [0.1, "s"], "x": 1.0 }"#.utf8))
        #expect(try ContentHash.of(a) == ContentHash.of(b))
        #expect(try ContentHash.of(a) == ContentHash.sha256(#"{"x":1,"y":[0.1,"s"]}"#))
        #expect(try ContentHash.of(a) != ContentHash.of(["x": 2, "y": [0.1, "s"]]))
    }
}
