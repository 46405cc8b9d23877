// improve-bench agents: what driving a bring-your-own agent through improve's model gateway costs
// per unit, against the same model calls made directly (issue 22's target: under 5 % of wall time).
//
//   direct     `units` chat completions sent straight to a loopback stub answering after stub-ms
//   exec       the scripted exec agent (Tests/Fixtures/agents/scripted_agent.py model) answering
//              `units` units through AgentRuntime.standard: JSON lines to a long-lived process,
//              whose one model call per unit goes through a real ModelGateway, journaled in SQLite
//   http       the same agent served over HTTP (`scripted_agent.py serve model`)
//   replay     each agent mode again on a new journal of the same run, as a resumed run: every
//              gateway call is answered from the journal and the stub sees none
//
// All modes run in one process against one stub, so the overhead ratios come from one run.
import Foundation
import ImproveAgents
import ImproveCore
import ImproveSQLite
import ImproveTestSupport

/// Per-unit wall times of one mode, in seconds.
struct UnitTimes {
    var mode: String
    var samples: [Double]

    var mean: Double { samples.reduce(0, +) / Double(max(1, samples.count)) }

    /// The value at `fraction` of the sorted samples (nearest rank), 0 when there are none.
    func percentile(_ fraction: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(0, rank), sorted.count - 1)]
    }
}

/// The scripted agent's HTTP mode on a loopback port, for the `http:` spec. A Foundation process
/// rather than ImproveProcess's LineSession, so the benchmark depends on ImproveAgents only.
final class BenchHTTPAgent {
    let url: String
    private let process: Process

    init(script: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "serve", "model"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The script prints its port as its first line, flushed, before serving.
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let port = text.split(separator: "\n").first.map(String.init) ?? ""
        guard !port.isEmpty, Int(port) != nil else {
            kill(process.processIdentifier, SIGKILL)
            throw AgentFailure(problem: "the scripted HTTP agent printed \(text.debugDescription), not its port")
        }
        url = "http://127.0.0.1:\(port)/unit"
    }

    /// SIGKILL, not `terminate()`: the child inherits the signal mask of the thread that spawned
    /// it, and with swift-subprocess and NIO threads in this process that mask can block SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

func agentBenchmark(units: Int, stubMilliseconds: Int) async throws {
    let directory = try Fixtures.temporaryDirectory("improve-bench-agents")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteRunStore(path: directory.appendingPathComponent("bench.sqlite").path)
    let stub = try await StubModelServer.start(responder: StubModelServer.hashedAnswer(delay: .milliseconds(stubMilliseconds)))
    let provider = stub.client()
    let taskModel = ModelSpec(provider: "local", id: "bench", maxTokens: 8)
    let clock = ContinuousClock()
    let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/agents/scripted_agent.py").path

    func messages(_ label: String, _ index: Int) -> [ChatMessage] {
        [.system("Classify."), .user("\(label) item \(index)")]
    }

    func unit(_ label: String, _ index: Int) -> AgentUnitRequest {
        AgentUnitRequest(
            unit: .init(id: "\(label)-\(index)", seed: 1),
            profile: .init(
                name: "bench", systemPrompt: "Classify.", userTemplate: "{{input}}", skills: [], strategy: nil, tools: [], config: nil,
                model: "local/bench"),
            input: .init(text: "\(label) item \(index)", fields: [:], messages: messages(label, index)))
    }

    // Direct: the floor every agent mode is compared with. One unmeasured call first, so no mode
    // pays for a first connection or lazy set-up that the others do not.
    _ = try await provider.complete(ChatRequest(model: taskModel, messages: messages("direct-warmup", 0)))
    var direct = UnitTimes(mode: "direct", samples: [])
    for index in 0..<units {
        let started = clock.now
        _ = try await provider.complete(ChatRequest(model: taskModel, messages: messages("direct", index)))
        direct.samples.append(seconds(clock.now - started))
    }

    /// Drives `units` units (after one unmeasured warm-up unit: the agent's interpreter start
    /// and first connections are a per-run cost, not a per-unit one) through a fresh driver on a
    /// new journal of `runID`. A replay pass must not reach the stub.
    func drive(_ mode: String, label: String, spec: AgentSpec, runID: String, replay: Bool) async throws -> UnitTimes {
        let journal = try await store.journal(runID: runID, workerID: "bench-\(mode)")
        let context = AgentRunContext(
            spec: spec, directory: directory, journal: journal, allowed: AllowedModels(["local/*"]), concurrency: 1, taskModel: taskModel,
            makeClient: { _ in provider })
        let driver = try await AgentRuntime.standard.start(context)
        let stubCallsBefore = stub.completionRequests.count
        var times = UnitTimes(mode: mode, samples: [])
        do {
            _ = try await driver.respond(unit("\(label)-warmup", 0))
            for index in 0..<units {
                let request = unit(label, index)
                let started = clock.now
                let outcome = try await driver.respond(request)
                times.samples.append(seconds(clock.now - started))
                let expected = StubModelServer.hashedAnswerText(to: request.input.messages.last?.content ?? "")
                guard outcome.reply.reply == expected, outcome.calls == 1, outcome.infrastructureError == nil, outcome.breach == nil else {
                    throw AgentFailure(problem: "\(mode) unit \(index): unexpected outcome \(outcome)")
                }
            }
        } catch {
            await driver.close()
            throw error
        }
        await driver.close()
        let stubCalls = stub.completionRequests.count - stubCallsBefore
        if replay, stubCalls != 0 { throw AgentFailure(problem: "\(mode): \(stubCalls) calls reached the stub instead of replaying") }
        if !replay, stubCalls != units + 1 { throw AgentFailure(problem: "\(mode): the stub saw \(stubCalls) calls for \(units + 1) units") }
        return times
    }

    func openRun(_ key: String) async throws -> String {
        try await store.openRun(spec("bench-agents-\(key)"), workerID: "bench").run.id
    }

    let execSpec = AgentSpec(kind: .exec(.init(command: ["python3", script, "model"])), timeoutSeconds: 30)
    let execRun = try await openRun("exec")
    let exec = try await drive("exec", label: "exec", spec: execSpec, runID: execRun, replay: false)
    let execReplay = try await drive("exec replay", label: "exec", spec: execSpec, runID: execRun, replay: true)

    let server = try BenchHTTPAgent(script: script)
    defer { server.stop() }
    let httpSpec = AgentSpec(kind: .http(.init(url: server.url)), timeoutSeconds: 30)
    let httpRun = try await openRun("http")
    let http = try await drive("http", label: "http", spec: httpSpec, runID: httpRun, replay: false)
    let httpReplay = try await drive("http replay", label: "http", spec: httpSpec, runID: httpRun, replay: true)
    await stub.stop()

    print("agent overhead per unit: \(units) units per mode, stub answering after \(stubMilliseconds) ms, one lane, sequential")
    print("mode           units  median ms    p90 ms   mean ms  overhead vs direct")
    for times in [direct, exec, http, execReplay, httpReplay] {
        // Overhead as a share of the agent's wall time, from means: what a run of such units
        // spends beyond the model calls themselves. Replay passes make no model call, so their
        // whole time is overhead; they are shown in absolute terms only.
        let overhead: String
        switch times.mode {
        case "exec", "http": overhead = String(format: "%.2f %% (%.2f ms)", (times.mean - direct.mean) / times.mean * 100, (times.mean - direct.mean) * 1000)
        case "direct": overhead = "-"
        default: overhead = "replayed, no stub call"
        }
        print(
            times.mode.padding(toLength: 13, withPad: " ", startingAt: 0)
                + String(format: "  %5d  %9.2f  %8.2f  %8.2f  ", times.samples.count, times.percentile(0.5) * 1000, times.percentile(0.9) * 1000, times.mean * 1000)
                + overhead)
    }
}
