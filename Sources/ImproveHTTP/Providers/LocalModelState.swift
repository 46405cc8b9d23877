import Foundation
import ImproveCore

/// Where `scripts/local-model` says the local model listens.
public enum LocalModelState {
    /// `${IMPROVE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/improve}/local-model.state`, as the script writes it.
    public static func stateFile(environment: [String: String]) -> URL {
        if let cache = environment["IMPROVE_CACHE"], !cache.isEmpty {
            return URL(fileURLWithPath: cache).appendingPathComponent("local-model.state")
        }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache")
        return base.appendingPathComponent("improve").appendingPathComponent("local-model.state")
    }

    /// `IMPROVE_BASE_URL` when set, else `http://127.0.0.1:PORT/v1` from the state file.
    public static func baseURL(environment: [String: String]) throws -> URL {
        if let text = environment["IMPROVE_BASE_URL"], !text.isEmpty {
            guard let url = URL(string: text), url.host != nil else { throw ProviderError.badURL(variable: "IMPROVE_BASE_URL", value: text) }
            return url
        }
        let file = stateFile(environment: environment)
        guard let text = try? String(contentsOf: file, encoding: .utf8), let port = parsePort(text),
            let url = URL(string: "http://127.0.0.1:\(port)/v1")
        else {
            throw ProviderError.localModelNotRunning(stateFile: file.path)
        }
        return url
    }

    /// The `PORT=` value of a state file's `KEY=value` lines.
    static func parsePort(_ text: String) -> Int? {
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "PORT",
                let port = Int(parts[1].trimmingCharacters(in: .whitespaces)), (1...65535).contains(port)
            {
                return port
            }
        }
        return nil
    }
}
