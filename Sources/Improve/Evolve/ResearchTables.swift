import Foundation
import Generators
import ImproveCore

/// The research outputs of an evolution run, written beside its report: the per-generation
/// table as CSV and JSON, and the full lineage as JSON.
enum ResearchTables {
    static func write(_ result: EvolutionResult, to directory: URL) throws -> [String: String] {
        let csv = ([GenerationStats.csvHeader] + result.generations.map(\.csvRow)).joined(separator: "\n") + "\n"
        let files: [(key: String, name: String, data: Data)] = [
            ("generationsCSV", "generations.csv", Data(csv.utf8)),
            ("generationsJSON", "generations.json", try json(result.generations)),
            ("lineageJSON", "lineage.json", try json(result.lineage)),
        ]
        var written: [String: String] = [:]
        for file in files {
            let url = directory.appendingPathComponent(file.name)
            try AtomicFile.write(file.data, to: url)
            written[file.key] = url.path
        }
        return written
    }

    /// Pretty, key-sorted JSON: stable bytes for the same values, readable in a diff.
    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }
}
