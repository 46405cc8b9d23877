import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// Kill -9 the chaos worker at seeded points, resume it each time, and check that the run ends
/// with the uninterrupted result and that no completed step was ever paid for again.
@Suite("Store: SIGKILL chaos", .serialized)
struct StoreChaosTests {
    static let steps = 48
    static let minimumKills = 20

    /// The worker binary sits next to the test bundle in the build directory.
    static func workerExecutable() throws -> URL {
        var directories = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ]
        // `swift test` from the package root: .build/debug next to this source tree.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        for directory in directories {
            let candidate = directory.appendingPathComponent("improve-chaos-worker")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ChaosSetupError(searched: directories.map(\.path))
    }

    struct ChaosSetupError: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "improve-chaos-worker is not built; run `swift build --build-tests` (or `swift build --product improve-chaos-worker`) first. Looked in: \(searched.joined(separator: ", "))"
        }
    }

    /// Collects the worker's stdout (its RESULT line) without blocking the test.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    static func spawn(_ worker: URL, store: String, stub: StubModelServer, key: String) throws -> (Process, Output, Output) {
        let process = Process()
        process.executableURL = worker
        process.arguments = [store, stub.baseURL.absoluteString, key, String(steps)]
        let out = Pipe(), err = Pipe()
        let stdout = Output(), stderr = Output()
        out.fileHandleForReading.readabilityHandler = { stdout.append($0.availableData) }
        err.fileHandleForReading.readabilityHandler = { stderr.append($0.availableData) }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, stdout, stderr)
    }

    static func result(in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("RESULT ") }.map { String($0.dropFirst(7)) }
    }

    /// Waits for a child to exit without blocking a cooperative thread.
    static func waitForExit(_ process: Process) async {
        await offCooperativePool { process.waitUntilExit() }
    }

    @Test(.timeLimit(.minutes(2))) func killedWorkersResumeWithoutPayingTwice() async throws {
        let worker = try Self.workerExecutable()
        let dir = try TemporaryDirectory()

        // The reference: one uninterrupted run on its own store and stub.
        let referenceStub = try await StubModelServer.start(responder: StubModelServer.hashedAnswer(delay: .milliseconds(2)))
        let (reference, referenceOut, referenceErr) = try Self.spawn(worker, store: dir.path("reference.sqlite"), stub: referenceStub, key: "chaos")
        await Self.waitForExit(reference)
        await referenceStub.stop()
        let expected = try #require(Self.result(in: referenceOut.text), "reference run failed: \(referenceErr.text)")
        #expect(referenceStub.completionRequests.count == Self.steps)

        // The chaos run. Every request is checked against the store at the moment it arrives.
        let storePath = dir.path("chaos.sqlite")
        let store = try SQLiteRunStore(path: storePath)
        let runID = SQLiteRunStore.runID(forDedupeKey: "chaos")
        let violations = Output()
        let killSwitch = KillSwitch()
        let stub = try await StubModelServer.start(responder: StubModelServer.hashedAnswer(delay: .milliseconds(15)) { message in
            let checkpoint = (try? ChaosJob.checkpoint(message: message)) ?? "?"
            if let steps = try? store.steps(runID: runID), steps.contains(where: { $0.checkpoint == checkpoint && $0.state == "completed" }) {
                violations.append(Data("paid again for completed step: \(message)\n".utf8))
            }
            killSwitch.requestArrived()
        })
        var random = SeededRandom(seed: 20_240_601)
        var kills = 0
        var inFlightAtKills: [String: Int] = [:]
        var final: String?
        var lives = 0
        while final == nil, lives < 80 {
            lives += 1
            let (process, stdout, stderr) = try Self.spawn(worker, store: storePath, stub: stub, key: "chaos")
            if kills < Self.minimumKills + 5 {
                // Killed by the stub at the 1st...6th new request, while that request is
                // unanswered: sometimes mid-batch, sometimes as the next batch starts.
                killSwitch.arm(pid: process.processIdentifier, afterRequests: Int.random(in: 1...6, using: &random))
            }
            await Self.waitForExit(process)
            killSwitch.disarm()
            if process.terminationReason == .uncaughtSignal {
                kills += 1
                for step in try await store.steps(runID: runID) where step.state == "running" {
                    inFlightAtKills[step.checkpoint, default: 0] += 1
                }
                continue
            }
            try #require(process.terminationStatus == 0, "worker failed: \(stderr.text)")
            final = Self.result(in: stdout.text)
        }
        await stub.stop()

        #expect(kills >= Self.minimumKills)
        #expect(final == expected)
        #expect(violations.text.isEmpty, "\(violations.text)")
        // Each step is paid once, plus at most once more for every kill that caught it in flight.
        var extras = 0
        for (message, count) in stub.completionCountsByLastMessage {
            let checkpoint = try ChaosJob.checkpoint(message: message)
            #expect(count <= 1 + (inFlightAtKills[checkpoint] ?? 0), "step \(message) was requested \(count) times")
            extras += count - 1
        }
        #expect(stub.completionCountsByLastMessage.count == Self.steps)
        #expect(try await store.run(id: runID)?.paidSteps == Self.steps)
        #expect(try await store.run(id: runID)?.state == .completed)
        print("chaos: \(lives) lives, \(kills) kills, \(extras) re-paid in-flight calls, \(stub.completionRequests.count) requests for \(Self.steps) steps")
    }
}
