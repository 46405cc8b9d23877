import Foundation
import Synchronization

/// Bytes a child writes, gathered while it runs so that what it printed before a timeout is
/// still there afterwards.
final class ByteSink: Sendable {
    private let bytes = Mutex(Data())

    /// Appends a chunk.
    func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.withLock { $0.append(contentsOf: chunk) }
    }

    /// Everything gathered so far.
    var data: Data { bytes.withLock { $0 } }
}
