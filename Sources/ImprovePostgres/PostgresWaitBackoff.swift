import Foundation

/// Poll intervals of the PostgreSQL store's waiting loops (a coordinator waiting for workers, a
/// worker waiting for work): short at first, doubling up to `ceiling`.
struct PostgresWaitBackoff {
    private var current: Double = 0.002
    private let ceiling: Double

    init(ceiling: Double) {
        self.ceiling = max(0.002, ceiling)
    }

    mutating func next() -> UInt64 {
        let value = current
        current = min(ceiling, current * 2)
        return UInt64(value * 1_000_000_000)
    }
}
