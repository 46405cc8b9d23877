/// A problem in a file a user wrote: names the file, the line, the field path and the fix.
///
/// Every loader (profiles, suites, policies, provider configs, persona cards) raises this type,
/// so a user always sees `file:line: field: problem (hint)`.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the problem is in, as the user named it.
    public let file: String
    /// 1-based line number, when known.
    public let line: Int?
    /// Dotted path of the offending field (`model.temperature`, `skills[2].name`), empty for the whole file.
    public let field: String
    /// What is wrong.
    public let problem: String
    /// What would be valid, when that can be said.
    public let hint: String?

    public init(file: String, line: Int?, field: String, problem: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        self.hint = hint
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !field.isEmpty { text += "\(field): " }
        text += problem
        if let hint { text += " (\(hint))" }
        return text
    }
}
