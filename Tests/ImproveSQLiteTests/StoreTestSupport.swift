import Foundation
import ImproveCore
import ImproveSQLite

/// A fresh directory under the system temp dir, removed when the value is released.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("improve-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A counter shared between concurrent step bodies.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

func sampleSpec(_ key: String = "nightly/sentiment") -> RunSpec {
    RunSpec(
        dedupeKey: key, seed: 42, profileName: "sentiment", profileHash: "abc123", surface: "prompt",
        generator: "reflective", config: ["budget": 10], policy: ["minLift": 0.05])
}

func sha256(ofFile path: String) throws -> String {
    ContentHash.sha256(try Data(contentsOf: URL(fileURLWithPath: path)))
}
