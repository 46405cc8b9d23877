import Foundation
import ImproveCore
import PropertyBased
import Testing

/// Bounded, reproducible fuzzing inside `swift test`.
///
/// By default every target runs a fixed number of cases from a fixed seed (the same inputs on
/// every run, a few seconds in all), capped at `defaultSeconds` of wall time on a slow machine.
/// `IMPROVE_FUZZ_SECONDS=N` runs each target for N seconds instead, and `IMPROVE_FUZZ_SEED=S`
/// draws other inputs: a finding prints its seed and case, to be kept as a regression test.
enum FuzzHarness {
    static let environment = ProcessInfo.processInfo.environment
    static let seconds = environment["IMPROVE_FUZZ_SECONDS"].flatMap(Double.init)
    static let baseSeed = environment["IMPROVE_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_130
    static let defaultSeconds = 4.0

    /// Runs `body` on `cases` inputs drawn from `generator` (or for IMPROVE_FUZZ_SECONDS), and
    /// checks each finishes within `perCaseLimit`; returns how many ran.
    ///
    /// The limit is there to catch super-linear blow-ups (an alias bomb grows about nine times
    /// per level), not to time the loaders: a case takes microseconds, so a generous 10 s never
    /// fails on a loaded machine's scheduling, as 2 s did at a load average of 12.
    ///
    /// Each case runs on a worker thread watched from here: a case that never returns (a hang)
    /// is reported and ends the target, instead of hanging the whole test run.
    @discardableResult
    static func run<Input: Sendable, Shrinks: SendableSequenceType>(
        _ target: String, cases: Int = 1500, perCaseLimit: Duration = .seconds(10), generator: Generator<Input, Shrinks>,
        body: @escaping @Sendable (Input) throws -> Void
    ) -> Int {
        let budget = Duration.seconds(seconds ?? defaultSeconds)
        let started = ContinuousClock.now
        var index = 0
        let salt = UInt64(truncatingIfNeeded: target.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) })
        while seconds != nil || index < cases {
            guard ContinuousClock.now - started < budget else { break }
            var rng = Xoshiro(seed: (baseSeed, salt, UInt64(index), 0x9E37_79B9_7F4A_7C15))
            let input = generator.run(using: &rng)
            let label = "\(target) case \(index) (IMPROVE_FUZZ_SEED=\(baseSeed))"
            let caseStarted = ContinuousClock.now
            switch watched(input, body: body, hangAfter: .seconds(30)) {
            case .finished(nil):
                break
            case .finished(let error?):
                Issue.record("\(label) failed: \(error)\ninput: \(String(describing: input).prefix(2000).debugDescription)")
            case .hung:
                Issue.record("\(label) did not finish within 30 s (a hang)\ninput: \(String(describing: input).prefix(2000).debugDescription)")
                return index
            }
            let took = ContinuousClock.now - caseStarted
            if took > perCaseLimit {
                Issue.record("\(label) took \(took)\ninput: \(String(describing: input).prefix(2000).debugDescription)")
            }
            index += 1
        }
        if seconds != nil { print("fuzz \(target): \(index) cases in \(ContinuousClock.now - started), seed \(baseSeed)") }
        return index
    }

    enum Outcome {
        case finished((any Error)?)
        case hung
    }

    /// Runs `body(input)` on another thread and waits at most `hangAfter` for it.
    private static func watched<Input: Sendable>(_ input: Input, body: @escaping @Sendable (Input) throws -> Void, hangAfter: Duration) -> Outcome {
        let done = DispatchSemaphore(value: 0)
        let box = ErrorBox()
        let thread = Thread {
            do { try body(input) } catch { box.set(error) }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        let (whole, fraction) = hangAfter.components
        guard done.wait(timeout: .now() + Double(whole) + Double(fraction) / 1e18) == .success else { return .hung }
        return .finished(box.value)
    }

    private final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: (any Error)?
        func set(_ error: any Error) { lock.withLock { stored = error } }
        var value: (any Error)? { lock.withLock { stored } }
    }

    /// A property that did not hold, reported with the input by ``run(_:cases:perCaseLimit:generator:body:)``.
    struct Finding: Error, CustomStringConvertible {
        var description: String
    }

    /// Accepts a value or a ``ConfigError``: the only outcomes a loader may have; anything else
    /// is a finding.
    static func typedOnly(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch is ConfigError {
        } catch {
            throw Finding(description: "untyped error \(type(of: error)): \(error)")
        }
    }
}

/// Text mutations that reach the corners of YAML, JSON and CSV: the characters with meaning
/// (anchors, aliases, brackets, quotes, block indicators, tabs, NULs, BOMs), numbers and
/// booleans YAML could read two ways, deletions, duplications and bit flips.
enum Mutations {
    static let tokens = [
        "&a ", "*a", "*b", "&b [*a, *a, *a]", "[", "]", "{", "}", "? ", "- ", ": ", ":", "|", ">-", "\"", "'", "#", "!!str ", "!!binary ",
        "\t", "\n", "\r\n", "  ", "\u{0}", "\u{FEFF}", "~", "null", "yes", "no", "on", "1.0", "1e400", "-0", "0x1F", ".nan", "<<: *a",
        "{{input}}", "{{", "}}", ",", "\\", "\\u00", "é", "👍", "\u{202E}", "---", "...", "%YAML 1.1", "[[[[[[[[", "]]]]]]]]",
        String(repeating: "x", count: 300), "9999999999999999999999", "\"\"\"", "\",\"",
    ]

    /// One edit: which kind, where (a fraction of the text), which token, how long a span.
    struct Edit: Sendable, CustomStringConvertible {
        var kind: Int
        var position: Int
        var token: String
        var span: Int
        var description: String { "edit(\(kind), \(position), \(token.debugDescription), \(span))" }
    }

    static let edit = zip(Gen.int(in: 0...4), Gen.int(in: 0...10_000), Gen<String?>.element(of: tokens).map { $0 ?? "" }, Gen.int(in: 0...40))
        .map { Edit(kind: $0, position: $1, token: $2, span: $3) }

    /// A seed text with 1 to 6 edits applied.
    static func of(_ seeds: [String]) -> Generator<String, some SendableSequenceType> {
        zip(Gen<String?>.element(of: seeds).map { $0 ?? "" }, edit.array(of: 1...6)).map { seed, edits in apply(edits, to: seed) }
    }

    static func apply(_ edits: [Edit], to text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        for edit in edits {
            let at = scalars.isEmpty ? 0 : edit.position % (scalars.count + 1)
            let end = min(scalars.count, at + edit.span)
            switch edit.kind {
            case 0: scalars.insert(contentsOf: edit.token.unicodeScalars, at: at)
            case 1: scalars.removeSubrange(at..<end)
            case 2: scalars.insert(contentsOf: scalars[at..<end], at: at)
            case 3: scalars.replaceSubrange(at..<end, with: edit.token.unicodeScalars)
            default:
                if at < scalars.count, let flipped = Unicode.Scalar(scalars[at].value ^ UInt32(1 << (edit.span % 7))) { scalars[at] = flipped }
            }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }
}
