import Foundation

/// Why a store could not be opened from its address, before any backend-specific reason.
public enum StoreOpeningError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A read-only opening found no store at `location` (a missing SQLite file, a database
    /// without improve's tables); nothing was created.
    case noStore(location: String)
    /// No registered backend claims the address: one with a URL scheme none knows
    /// (`mysql://…`, shown without what follows the scheme, which may hold a password), or a
    /// plain path when no file backend is registered. `known` are the address forms that would be.
    case unclaimed(address: String, known: [String])
    /// A distributed run was asked of a store that workers cannot share; `backend` and
    /// `addressForm` name the first backend they can, if this build has one.
    case distributedNeedsSharedStore(backend: String?, addressForm: String?)

    /// The message, naming the address and the fix.
    public var description: String {
        switch self {
        case .noStore(let location):
            return "no improve store at \(location): nothing has been run with this store yet (`improve-cli run` creates it); pass --store PATH to read another one"
        case .unclaimed(let address, let known):
            return "--store \(address) names no store backend this build has; write \(known.joined(separator: " or "))"
        case .distributedNeedsSharedStore(let backend?, let addressForm?):
            return "--distributed needs a \(backend) store that workers share: --store \(addressForm) (see `improve-cli worker --help`)"
        case .distributedNeedsSharedStore:
            return "--distributed needs a store that workers share, and this build has no such backend"
        }
    }
}
