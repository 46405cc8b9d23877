import Foundation
import ImproveCore

/// The modest search space autoresearch infers from a structured artifact that declares none:
/// one-field changes around the current content.
///
/// - a number: its neighbours (±1 for an integer, ±10% otherwise) and its scales (×2, ×½, ×10, ×⅒);
/// - a boolean: flipped;
/// - any field: removed, which resets it to the program's default.
///
/// Every such proposal is labelled `inferred` in the attempts TSV and the audit record, since
/// nobody declared these values safe to try.
public enum InferredSpace {
    /// One single-field change.
    public struct Move: Sendable, Equatable {
        public var path: [String]
        /// The new value, or nil to remove the field.
        public var value: JSONValue?
        /// What the change does, for the TSV (`level 1 → 2`, `remove strategy`).
        public var description: String
    }

    /// Fields deeper than this are left alone; a modest space stays modest.
    static let maxDepth = 3

    /// Every single-field change of `document`, in a stable order.
    public static func moves(of document: JSONValue) -> [Move] {
        var moves: [Move] = []
        collect(document, path: [], into: &moves)
        return moves
    }

    private static func collect(_ value: JSONValue, path: [String], into moves: inout [Move]) {
        guard case .object(let members) = value, path.count < maxDepth else { return }
        for key in members.keys.sorted() {
            let child = members[key] ?? .null
            let childPath = path + [key]
            let name = childPath.joined(separator: ".")
            switch child {
            case .number(let number):
                for next in neighbours(of: number) {
                    moves.append(Move(path: childPath, value: .number(next), description: "\(name) \(format(number)) → \(format(next))"))
                }
            case .bool(let flag):
                moves.append(Move(path: childPath, value: .bool(!flag), description: "\(name) \(flag) → \(!flag)"))
            case .object:
                collect(child, path: childPath, into: &moves)
            default:
                break
            }
            moves.append(Move(path: childPath, value: nil, description: "remove \(name) (reset to its default)"))
        }
    }

    /// Neighbours and scales of a number, without repeats or the number itself.
    static func neighbours(of number: Double) -> [Double] {
        let integral = number == number.rounded() && abs(number) < 1e15
        var candidates: [Double] = integral ? [number - 1, number + 1] : [number * 0.9, number * 1.1]
        candidates += [number * 2, number / 2, number * 10, number / 10].map { integral ? $0.rounded() : $0 }
        var seen: Set<Double> = [number]
        return candidates.filter { $0.isFinite && seen.insert($0).inserted }
    }

    private static func format(_ number: Double) -> String {
        (try? CanonicalJSON.format(number)) ?? "\(number)"
    }
}
