import Dispatch

/// Runs blocking work — a pipe read, a process wait — on a Dispatch thread and awaits it.
///
/// Swift concurrency shares one cooperative thread per core among every task in the process;
/// on a two-core machine two blocked tasks stop everything else, including a loopback server
/// or a deadline task that is meant to end the very thing being waited on. Dispatch's global
/// queue may add threads, so blocking there costs a thread, not the whole process.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// The non-throwing form of ``offCooperativePool(_:)-(()->T)``.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
