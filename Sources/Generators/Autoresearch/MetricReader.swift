import Foundation

/// Reads the metric of one experiment run.
enum MetricReader {
    /// The metric, or a sentence saying why there is none.
    static func read(_ metric: ArtifactSpec.Metric, stdout: String, directory: URL) -> Result<Double, MetricError> {
        switch metric {
        case .regex(let pattern):
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return .failure(MetricError("invalid regex \(pattern)")) }
            let range = NSRange(stdout.startIndex..., in: stdout)
            guard let match = regex.firstMatch(in: stdout, range: range) else {
                return .failure(MetricError("no match for /\(pattern)/ in the output"))
            }
            let group = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            guard let swiftRange = Range(group, in: stdout) else { return .failure(MetricError("empty match for /\(pattern)/")) }
            let text = stdout[swiftRange].trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value.isFinite else { return .failure(MetricError("\"\(text)\" is not a number")) }
            return .success(value)
        case .jsonField(let file, let field):
            let url = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path),
                  let object = try? JSONSerialization.jsonObject(with: data) else {
                return .failure(MetricError("\(file) is missing or not JSON"))
            }
            var current: Any = object
            for key in field.split(separator: ".") {
                guard let dictionary = current as? [String: Any], let next = dictionary[String(key)] else {
                    return .failure(MetricError("\(file) has no field \(field)"))
                }
                current = next
            }
            guard let number = current as? NSNumber, !(current is Bool), number.doubleValue.isFinite else {
                return .failure(MetricError("\(file): \(field) is not a number"))
            }
            return .success(number.doubleValue)
        }
    }
}

struct MetricError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
