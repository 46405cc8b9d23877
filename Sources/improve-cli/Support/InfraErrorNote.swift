import Evals
import Foundation

/// Makes infrastructure failures in an eval impossible to miss: they are left out of the mean
/// (never counted as the model's failure), so a run where calls failed must say so loudly.
enum InfraErrorNote {
    /// Raised under `--strict` when any item's rollout failed.
    struct Refusal: Error, CustomStringConvertible {
        let count: Int
        var description: String { "--strict: \(count) item\(count == 1 ? "" : "s") failed for infrastructure reasons" }
    }

    static func report(_ report: EvalReport, strict: Bool) throws {
        let failed = report.items.filter(\.isExcluded)
        guard let first = failed.first else { return }
        Terminal.note("warning: \(failed.count) of \(report.items.count) items failed for infrastructure reasons and are not in the mean; first (\(first.itemID)): \(first.error ?? "")")
        if strict {
            Terminal.error(Refusal(count: failed.count).description)
            throw ExitStatus.error
        }
    }
}
