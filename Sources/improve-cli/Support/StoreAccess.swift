import Foundation
import ImproveCore
import ImprovePostgres
import ImproveSQLite

/// Opening the store for the inspection commands (`runs`, `show`): read-only, so pointing one
/// at a wrong path never creates or migrates a file.
enum StoreAccess {
    struct NoStore: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "no improve store at \(path): nothing has been run with this store yet (`improve-cli run` creates it); pass --store PATH to read another one"
        }
    }

    ///
    /// A `postgres://` address opens the PostgreSQL store (migrating an empty database).
    static func openReadOnly(_ path: String?) async throws -> any RunStore {
        if let path, StoreLocator.isPostgres(path) {
            return try await PostgresRunStore.open(try PostgresLocation(parsing: path))
        }
        let resolved = URL(fileURLWithPath: path ?? SQLiteRunStore.defaultPath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: resolved) else { throw NoStore(path: resolved) }
        return try SQLiteRunStore(path: resolved, mode: .readOnly)
    }

    /// Pretty, key-sorted JSON with ISO-8601 dates, for `--json`.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    static func cost(_ dollars: Double) -> String {
        String(format: "$%.4f", dollars)
    }

    /// Left-aligned columns, two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        let widths = (0..<width).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
