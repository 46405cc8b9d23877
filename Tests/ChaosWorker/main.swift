// The child process of the store's SIGKILL chaos test.
//
// usage: improve-chaos-worker <store.sqlite> <base-url> <run-key> <steps>
//
// Runs ChaosJob (real HTTP model calls through JournaledModelClient) and prints
// `RESULT <sha256 over every answer>`. Killed at any point and started again with the same
// arguments, it must replay what completed, pay only for what did not, and print the same result.
import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("chaos worker: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let baseURL = URL(string: arguments[2]), let steps = Int(arguments[4]) else {
    fail("usage: improve-chaos-worker <store.sqlite> <base-url> <run-key> <steps>")
}
do {
    let store = try SQLiteRunStore(path: arguments[1])
    let result = try await ChaosJob.run(
        store: store, client: StubModelServer.client(of: baseURL), runKey: arguments[3], steps: steps)
    print("RESULT \(result)")
} catch {
    fail(String(describing: error))
}
