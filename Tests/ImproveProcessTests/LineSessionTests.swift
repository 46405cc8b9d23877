import Foundation
import ImproveProcess
import Testing

@Suite("Line session")
struct LineSessionTests {
    @Test("lines go in and come back; a silent child times out; stop kills it", .timeLimit(.minutes(1)))
    func exchangeTimeoutAndStop() async throws {
        let session = try await LineSession(arguments: ["sh", "-c", "echo $$; while read line; do echo \"got $line\"; done"], directory: nil)
        let far = ContinuousClock.now + .seconds(30)
        let pid = try #require(try await session.readLine(before: far).flatMap { Int32($0) })
        try await session.send("one")
        #expect(try await session.readLine(before: far) == "got one")
        await #expect(throws: LineSession.TimedOut.self) { try await session.readLine(before: .now + .milliseconds(200)) }
        #expect(await session.isOpen)
        await session.stop()
        #expect(await TimedProcessTests.isDead(pid))
    }

    @Test("a child that exits closes the session with its status and standard error")
    func exitIsSeen() async throws {
        let session = try await LineSession(arguments: ["sh", "-c", "read line; echo bye >&2; exit 7"], directory: nil)
        try await session.send("x")
        #expect(try await session.readLine(before: .now + .seconds(30)) == nil)
        #expect(await session.exitCode() == 7)
        #expect(await session.standardError == "bye\n")
        await #expect(throws: LineSession.NotReading.self) { try await session.send("y") }
    }
}
