import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends whole lines: one `write(2)` on an `O_APPEND` descriptor, so concurrent writers and
/// crashes never interleave or split a line.
enum AppendOnlyFile {
    static func appendLine(_ line: Data, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(file.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CassetteError.writeFailed(file: file.path, detail: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { buffer in write(descriptor, buffer.baseAddress, buffer.count) }
        guard written == line.count else {
            throw CassetteError.writeFailed(file: file.path, detail: written < 0 ? String(cString: strerror(errno)) : "short write")
        }
    }
}
