import Foundation
import GRDB
import ImproveCore

/// Decides, without writing a byte, whether a file may be opened as an improve store.
///
/// Opening a database in WAL mode rewrites its header and running migrations adds tables, so a
/// wrong `--store` path would quietly damage someone else's file. This check runs first and
/// only reads: the header, then (through a read-only connection) the table list.
enum StoreFileCheck {
    /// What the file at a path turned out to be.
    enum Finding: Equatable {
        /// No file, or an empty one: a new store may be created.
        case absent
        /// An improve store (possibly needing newer migrations of ours).
        case ours
    }

    private static let sqliteHeader = Data("SQLite format 3\u{0}".utf8)

    static func inspect(path: String) throws -> Finding {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .absent }
        if isDirectory.boolValue {
            throw StoreError.unusableDatabase(path: path, reason: "it is a directory; pass the path of a .sqlite file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.unusableDatabase(path: path, reason: "it cannot be read (check its permissions)")
        }
        let header = (try? handle.read(upToCount: sqliteHeader.count)) ?? Data()
        try? handle.close()
        if header.isEmpty { return .absent }
        guard header == sqliteHeader else {
            throw StoreError.unusableDatabase(path: path, reason: "it is not a SQLite database (unexpected file header)")
        }
        return try inspectTables(path: path)
    }

    private static func inspectTables(path: String) throws -> Finding {
        var configuration = Configuration()
        configuration.readonly = true
        // Another process (or a store being closed in this one) may hold the lock for a moment:
        // the last connection to close a WAL database checkpoints it under an exclusive lock.
        // Without a timeout, that moment made opening the store fail with "database is locked".
        configuration.busyMode = .timeout(10)
        configuration.label = "improve.store.check"
        let tables: [String]
        let migrations: Set<String>
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            (tables, migrations) = try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                let migrations = tables.contains("grdb_migrations")
                    ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
                return (tables, migrations)
            }
            try queue.close()
        } catch let error as DatabaseError {
            throw StoreError.unusableDatabase(path: path, reason: "SQLite cannot read it (\(error.message ?? error.resultCode.description))")
        }
        if tables.isEmpty { return .absent }
        guard migrations.contains(StoreSchema.firstMigration) else {
            let shown = tables.sorted().prefix(5).joined(separator: ", ")
            throw StoreError.unusableDatabase(path: path, reason: "it belongs to another program (tables: \(shown)); pass a different --store path")
        }
        let known = Set(StoreSchema.migrator.migrations)
        let unknown = migrations.filter { $0.hasPrefix("improve-") && !known.contains($0) }
        guard unknown.isEmpty else {
            throw StoreError.unusableDatabase(path: path, reason: "it was written by a newer version of improve (migrations \(unknown.sorted().joined(separator: ", "))); upgrade improve-cli")
        }
        return .ours
    }
}
