import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The convention for live tests against the real local model (scripts/local-model):
/// skip cleanly when `IMPROVE_BASE_URL` is unset, fail when `IMPROVE_REQUIRE_LIVE=1` and the
/// server is missing or does not answer.
///
/// ```swift
/// @Test(.enabled(if: LiveModel.shouldRun))
/// func completes() async throws {
///     guard let base = try await LiveModel.requireOrSkip() else { return }
///     ...
/// }
/// ```
public enum LiveModel {
    /// The model id `scripts/local-model` serves (llama.cpp's `--model_alias`).
    public static let modelID = "smollm2-135m-instruct"

    /// The live base URL from `IMPROVE_BASE_URL`, or nil when live tests should skip.
    public static var baseURL: URL? {
        guard let text = ProcessInfo.processInfo.environment["IMPROVE_BASE_URL"], !text.isEmpty else { return nil }
        return URL(string: text)
    }

    /// True when `IMPROVE_REQUIRE_LIVE=1`: a missing or silent server is a failure, not a skip.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["IMPROVE_REQUIRE_LIVE"] == "1" }

    /// Whether a live test should run at all (use with `.enabled(if:)`): configured or required.
    public static var shouldRun: Bool { baseURL != nil || isRequired }

    /// The base URL when the live server answers `GET /models`; nil to skip; throws
    /// ``LiveModelUnavailable`` when the model is required but missing or unreachable.
    public static func requireOrSkip(timeoutSeconds: Double = 30) async throws -> URL? {
        guard let base = baseURL else {
            if isRequired { throw LiveModelUnavailable(reason: "IMPROVE_REQUIRE_LIVE=1 but IMPROVE_BASE_URL is not set; run `eval \"$(scripts/local-model env)\"`") }
            return nil
        }
        if await answers(base, timeoutSeconds: timeoutSeconds) { return base }
        if isRequired { throw LiveModelUnavailable(reason: "the live model at \(base.absoluteString) does not answer GET /models") }
        return nil
    }

    /// True when `GET {base}/models` answers 200 within the timeout.
    public static func answers(_ base: URL, timeoutSeconds: Double) async -> Bool {
        var request = URLRequest(url: base.appendingPathComponent("models"))
        request.timeoutInterval = timeoutSeconds
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }
}

/// The live model was required (`IMPROVE_REQUIRE_LIVE=1`) but is not there.
public struct LiveModelUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "live model unavailable: \(reason)" }
}
