import Foundation
import ImproveCore

/// Reads the per-item results of an eval report: a JSON object whose top-level `items` array
/// holds `ItemResult`s. Only what the gate needs is required (`itemID`, `score`); feedback,
/// dimensions, trace usage/latency and errors are read when present, so reports written by
/// other versions of the tool still load.
public enum EvalReportInput {
    /// A report that cannot be used, naming the file and what is wrong with it.
    public struct LoadError: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var problem: String
        public var description: String { "\(file): \(problem)" }
    }

    public static func load(contentsOf url: URL) throws -> [ItemResult] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw LoadError(file: url.path, problem: "cannot read the file (does it exist?)")
        }
        return try parse(data, file: url.path)
    }

    public static func parse(_ data: Data, file: String) throws -> [ItemResult] {
        let report: Report
        do {
            report = try JSONDecoder().decode(Report.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw LoadError(file: file, problem: "missing field \(path(context.codingPath + [key])) (an eval report needs a top-level \"items\" array of {itemID, score, ...})")
        } catch let DecodingError.typeMismatch(_, context) {
            throw LoadError(file: file, problem: "field \(path(context.codingPath)) has the wrong type: \(context.debugDescription)")
        } catch {
            throw LoadError(file: file, problem: "not a JSON eval report (\(error.localizedDescription))")
        }
        return report.items.map(\.result)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    private struct Report: Decodable {
        var items: [Item]
    }

    private struct Item: Decodable {
        var itemID: String
        var score: Double
        var passed: Bool?
        var feedback: String?
        var dimensions: [String: Double]?
        var trace: Trace?
        var error: String?
        /// Read as text: a report without it, or with a kind this version does not know, takes
        /// the kind its error text implies, so reports of other versions still load.
        var failure: String?

        var result: ItemResult {
            ItemResult(
                itemID: itemID, score: score, passed: passed, feedback: feedback ?? "", dimensions: dimensions ?? [:],
                trace: trace.map { RolloutTrace(messages: [], output: "", usage: $0.usage ?? .zero, servedModel: $0.servedModel ?? "", latencyMs: $0.latencyMs ?? 0, source: $0.source ?? "") },
                error: error, failure: error.map { error in failure.flatMap(ItemFailure.init(rawValue:)) ?? ItemFailure(legacyError: error) })
        }
    }

    private struct Trace: Decodable {
        var usage: Usage?
        var latencyMs: Double?
        var servedModel: String?
        var source: ResponseSource?
    }
}
