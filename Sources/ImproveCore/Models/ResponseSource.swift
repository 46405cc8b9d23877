/// Where an answer (or a rollout's trace) came from.
///
/// A typed name rather than a closed enum: the built-in sources are the constants below, and a
/// client of another kind may name its own without a change here. Stored and encoded as its
/// plain string, so journals, cassettes and reports written before it existed read the same.
public struct ResponseSource: RawRepresentable, Codable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The stored name.
    public let rawValue: String

    /// A source by name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A source written as a string literal.
    public init(stringLiteral value: String) { rawValue = value }

    /// Answered by a provider over the network.
    public static let live: ResponseSource = "live"
    /// Replayed from a cassette.
    public static let replay: ResponseSource = "replay"
    /// Answered by a scripted or stub client.
    public static let stub: ResponseSource = "stub"
    /// A persona-simulation trial (its trace summarises a conversation, not one answer).
    public static let persona: ResponseSource = "persona"

    /// True for answers that no provider actually produced in this run (stub or cassette replay).
    public var isStubOrReplay: Bool { self == .stub || self == .replay }

    public var description: String { rawValue }
}
