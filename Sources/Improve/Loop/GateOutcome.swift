import ImproveCore

/// The gate's answer as the run loop consumes it.
public struct GateOutcome: Codable, Sendable {
    public struct Check: Codable, Sendable {
        public var name: String
        /// `pass`, `fail` or `not-evaluated`.
        public var status: String
        public var detail: String
    }
    public var verdict: Verdict
    public var reasons: [String]
    /// The finalist the verdict is about (nil when there was none).
    public var winnerID: String?
    public var checks: [Check]
    /// The full statistics, as the gate reports them.
    public var details: JSONValue
}
