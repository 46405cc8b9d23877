import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Kills a process and its descendants (found through /proc on Linux), children first so
/// none is re-parented out of reach.
///
/// SIGKILL, not `Process.terminate()`: Foundation spawns children from a Dispatch thread whose
/// signal mask blocks SIGTERM, and the child inherits that mask, so a terminated child that
/// hangs (`sleep 30`) simply keeps running.
public enum ProcessTree {
    /// SIGKILLs `pid` and every process below it.
    public static func kill(_ pid: Int32) {
        for child in children(of: pid) { kill(child) }
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// The direct children of `pid`.
    public static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { return false }
            // Fields after "(comm)": state, ppid, ...
            let fields = stat[close.upperBound...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }
}
