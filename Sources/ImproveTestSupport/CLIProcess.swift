import Foundation
import ImproveCore

/// Runs the built `improve-cli` as a real child process.
///
/// `@unchecked Sendable`: after `init` only `Process`'s own thread-safe waits, signals and
/// status reads are used, and the pipes are read from one place.
public struct CLIProcess: @unchecked Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// True when the process was killed by a signal rather than exiting.
        public var signalled: Bool
    }

    /// The directory holding the built products of this test run (`.build/debug`).
    public static var productsDirectory: URL {
        // The test bundle lives in the products directory on Linux (…/debug/improvePackageTests.xctest).
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        var candidate = bundle.deletingLastPathComponent()
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: candidate.appendingPathComponent("improve-cli").path) {
            candidate.deleteLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("improve-cli").path) { return candidate }
        return Fixtures.repositoryRoot.appendingPathComponent(".build/debug")
    }

    /// A built executable of this package by product name; throws a clear error when it is missing.
    public static func executable(_ name: String) throws -> URL {
        let url = productsDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw CLIProcessError(problem: "\(url.path) is not built; run `swift build --build-tests` before the tests")
        }
        return url
    }

    public let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()

    /// Starts `improve-cli` with `arguments` in `directory`, with `environment` added to ours.
    public init(_ arguments: [String], in directory: URL, environment: [String: String] = [:], executable: String = "improve-cli") throws {
        process.executableURL = try Self.executable(executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for exit and collects output, off the cooperative pool so that an in-process
    /// loopback server keeps answering the child while the test waits.
    public func wait() async -> Result {
        await offCooperativePool { self.waitBlocking() }
    }

    private func waitBlocking() -> Result {
        let out = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        let err = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
            signalled: process.terminationReason == .uncaughtSignal)
    }

    /// Runs to completion.
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> Result {
        try await CLIProcess(arguments, in: directory, environment: environment).wait()
    }
}

public struct CLIProcessError: Error, CustomStringConvertible {
    public var problem: String
    public var description: String { problem }
}

