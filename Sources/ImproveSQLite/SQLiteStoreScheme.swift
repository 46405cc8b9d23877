import Foundation
import ImproveCore

/// The SQLite backend as a `--store` address names it: any plain file path (an address without
/// a `scheme://` prefix), relative to the working directory.
///
/// Opening for writing creates the file and its directory; opening read-only needs the file to
/// exist, so `runs` or `show` pointed at a mistyped path says so instead of leaving an empty
/// store behind.
public struct SQLiteStoreScheme: StoreScheme {
    /// The scheme; stores it opens redact secrets of the process environment from the error
    /// texts they record.
    public init() {}

    /// `SQLite`.
    public var name: String { "SQLite" }

    /// `a SQLite file path`.
    public var addressForm: String { "a SQLite file path" }

    /// False: a file is shared by the processes of one machine only.
    public var dispatchesToWorkers: Bool { false }

    /// True for every address without a URL scheme.
    public func claims(_ address: String) -> Bool {
        StoreSchemes.urlScheme(of: address) == nil
    }

    /// A ``SQLiteRunStore`` at `address`, created and migrated as needed.
    public func openForWriting(_ address: String, options: StoreOpenOptions) async throws -> any RunStore {
        try SQLiteRunStore(path: address, leaseDuration: options.leaseDuration)
    }

    /// A read-only ``SQLiteRunStore`` on the existing file at `address`.
    ///
    /// - Throws: ``StoreOpeningError/noStore(location:)`` naming the absolute path when no file
    ///   is there (checked before SQLite is asked, so the message can say how a store comes to
    ///   exist); ``StoreError/unusableDatabase(path:reason:)`` for a file that is not a store.
    public func openReadOnly(_ address: String) async throws -> any RunStore {
        let path = URL(fileURLWithPath: address).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else { throw StoreOpeningError.noStore(location: path) }
        return try SQLiteRunStore(path: path, mode: .readOnly)
    }

    /// The file itself: one lock per store file.
    public func lockAnchor(for address: String) -> String {
        address
    }
}
