import Foundation

/// The store backends an application offers, and the one way it opens a store from an address.
///
/// Schemes are asked in order and the first that claims an address opens it:
///
/// ```swift
/// let schemes = StoreSchemes([PostgresStoreScheme(), SQLiteStoreScheme()])
/// let store = try await schemes.openForWriting(".improve/improve.sqlite")   // SQLite
/// let shared = try await schemes.openReadOnly("postgres://improve@db:5432/runs")  // PostgreSQL
/// ```
///
/// `SQLiteStoreScheme` takes every plain path (an address without a `scheme://` prefix) and
/// `PostgresStoreScheme` takes `postgres://` and `postgresql://`; an address with a scheme no
/// backend claims is refused rather than taken for a file name.
public struct StoreSchemes: Sendable {
    /// The schemes, in the order they are asked.
    public let schemes: [any StoreScheme]

    /// A registry asking `schemes` in this order.
    public init(_ schemes: [any StoreScheme]) {
        self.schemes = schemes
    }

    /// These schemes with `scheme` asked first, so that it may take addresses another one
    /// would have claimed.
    public func adding(_ scheme: any StoreScheme) -> StoreSchemes {
        StoreSchemes([scheme] + schemes)
    }

    /// The scheme that claims `address`.
    ///
    /// - Throws: ``StoreOpeningError/unclaimed(address:known:)`` when none does.
    public func scheme(for address: String) throws -> any StoreScheme {
        guard let scheme = schemes.first(where: { $0.claims(address) }) else {
            let shown = Self.urlScheme(of: address).map { "\($0)://…" } ?? address
            throw StoreOpeningError.unclaimed(address: shown, known: schemes.map(\.addressForm))
        }
        return scheme
    }

    /// True when the store at `address` can hand model calls to workers.
    public func dispatchesToWorkers(_ address: String) -> Bool {
        (try? scheme(for: address))?.dispatchesToWorkers ?? false
    }

    /// The refusal of a distributed run on a store that workers cannot share, naming the first
    /// backend they can.
    public var distributedRefusal: StoreOpeningError {
        let shared = schemes.first { $0.dispatchesToWorkers }
        return .distributedNeedsSharedStore(backend: shared?.name, addressForm: shared?.addressForm)
    }

    /// Opens the store at `address` for a command that writes (created when missing, migrated).
    ///
    /// - Throws: ``distributedRefusal`` when `options` ask for workers and the backend cannot
    ///   have any, before anything is created; ``StoreOpeningError/unclaimed(address:known:)``;
    ///   and whatever the backend throws.
    public func openForWriting(_ address: String, options: StoreOpenOptions = StoreOpenOptions()) async throws -> any RunStore {
        if options.distributed, !dispatchesToWorkers(address) { throw distributedRefusal }
        return try await scheme(for: address).openForWriting(address, options: options)
    }

    /// Opens the existing store at `address` for reading; nothing is created or migrated.
    ///
    /// - Throws: ``StoreOpeningError/noStore(location:)`` when nothing has been stored there,
    ///   ``StoreOpeningError/unclaimed(address:known:)``, and whatever the backend throws.
    public func openReadOnly(_ address: String) async throws -> any RunStore {
        try await scheme(for: address).openReadOnly(address)
    }

    /// The path a file lock for the store at `address` is derived from (see
    /// ``StoreScheme/lockAnchor(for:)``).
    ///
    /// - Throws: ``StoreOpeningError/unclaimed(address:known:)``, so that no lock file is made
    ///   for an address no backend can open.
    public func lockAnchor(for address: String) throws -> String {
        try scheme(for: address).lockAnchor(for: address)
    }

    /// The scheme of a URL-like address (`postgres` in `postgres://…`), or nil for a plain
    /// path. A scheme is a letter followed by letters, digits, `+`, `-` or `.`, then `://`.
    public static func urlScheme(of address: String) -> String? {
        guard let separator = address.range(of: "://") else { return nil }
        let scheme = address[..<separator.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return String(scheme)
    }
}
