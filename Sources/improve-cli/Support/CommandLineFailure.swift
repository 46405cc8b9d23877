import Foundation

/// A failure of the command-line layer itself, with a message that says what to do.
struct CommandLineFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
