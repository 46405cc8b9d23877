import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `improve` starts every child process, in one place.
///
/// Each child leads a process group of its own, so one SIGKILL to the group ends it and
/// everything it started (a shell's `sleep`, a test runner's workers). The same SIGKILL is the
/// teardown swift-subprocess runs when the awaiting task is cancelled (Ctrl-C on a run), so no
/// child outlives the task that started it. SIGKILL, not SIGTERM: a hung child may ignore or
/// block SIGTERM, and the time limit must hold.
enum ChildCommand {
    /// One string runs through `/bin/sh -c`; several are argv looked up on PATH by `/usr/bin/env`.
    static func launch(_ arguments: [String]) -> (Executable, Arguments) {
        if arguments.count == 1 {
            return (.path("/bin/sh"), Arguments(["-c", arguments[0]]))
        }
        return (.path("/usr/bin/env"), Arguments(arguments))
    }

    /// A process group of its own, killed as a whole when the awaiting task is cancelled.
    static var ownGroup: PlatformOptions {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .zero)]
        return options
    }

    /// The working directory as swift-subprocess takes it.
    static func directory(_ url: URL?) -> FilePath? {
        url.map { FilePath($0.path) }
    }

    /// The environment: this process's, with `overrides` on top.
    static func environment(_ overrides: [String: String]) -> Environment {
        overrides.isEmpty ? .inherit : .inherit.updating(Dictionary(uniqueKeysWithValues: overrides.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) }))
    }

    /// Exactly `variables` (a clean environment, for children that must not see this process's
    /// secrets), or this process's environment when nil.
    static func environment(exactly variables: [String: String]?) -> Environment {
        guard let variables else { return .inherit }
        return .custom(Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
    }

    /// Writing to a child that has exited raises SIGPIPE, whose default action would end this
    /// process; ignored (as servers commonly do), the write fails with EPIPE instead, which the
    /// runners treat as "the child stopped reading".
    static func ignoreBrokenPipes() {
        _ = brokenPipesIgnored
    }

    private static let brokenPipesIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    /// Where a child stands when its time limit strikes.
    enum ChildState {
        /// Still running: the limit struck.
        case running
        /// Exited, not yet reaped: it finished in time, but the cooperative pool was too busy to
        /// collect its output before the limit. Its group id is still reserved.
        case exited
        /// Reaped: its pid (and group id) may already belong to someone else.
        case reaped
    }

    /// The state of `pid`, a child of this process, without reaping it (swift-subprocess does).
    static func state(of pid: pid_t) -> ChildState {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return .reaped }
        #if os(Linux)
        let exited = info._sifields._sigchld.si_pid
        #else
        let exited = info.si_pid
        #endif
        return exited == 0 ? .running : .exited
    }

    /// The exit code, or the signal number for a child a signal ended (as Foundation's
    /// `Process.terminationStatus` reported it).
    static func code(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): return code
        case .signaled(let signal): return signal
        }
    }
}
