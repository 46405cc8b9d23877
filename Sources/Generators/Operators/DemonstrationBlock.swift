import Foundation
import ImproveCore

/// The worked examples a ``DemonstrationGenerator`` keeps at the end of the system prompt,
/// split from the instructions before it so other operators edit only the instructions.
struct DemonstrationBlock: Equatable {
    static let marker = "\n\nExamples:\n"
    static let separator = "\n\n"

    var instructions: String
    var demos: [String]

    init(parsing text: String) {
        guard let range = text.range(of: Self.marker, options: .backwards) else {
            instructions = text
            demos = []
            return
        }
        instructions = String(text[..<range.lowerBound])
        demos = text[range.upperBound...].components(separatedBy: Self.separator).filter { !$0.isEmpty }
    }

    var text: String {
        demos.isEmpty ? instructions : instructions + Self.marker + demos.joined(separator: Self.separator)
    }

    /// One example written the way the user template presents an input, followed by its label.
    static func render(_ item: EvalItem, label: String, template: String, maxInput: Int) -> String {
        let fields = item.fields.mapValues { $0.count <= maxInput ? $0 : String($0.prefix(maxInput)) + "…" }
        let shown = Template.render(template, fields).trimmingCharacters(in: .whitespacesAndNewlines)
        return shown.hasSuffix(":") ? "\(shown) \(label)" : "\(shown)\nAnswer: \(label)"
    }
}
