import ImproveCore

/// One candidate that reached the holdout, with what the gate needs to judge it.
public struct GateFinalist: Sendable, Equatable {
    public var id: String
    /// The candidate's components; with the baseline's, enables the no-op guard (nil skips it).
    public var components: [String: String]?
    /// Holdout results, one per holdout item (and repetition).
    public var holdout: [ItemResult]
    /// Mean search-split score of the candidate minus the baseline's; enables the overfit
    /// check (nil skips it, e.g. for `improve-cli gate` on two eval reports).
    public var searchLift: Double?

    public init(id: String, components: [String: String]? = nil, holdout: [ItemResult], searchLift: Double? = nil) {
        self.id = id
        self.components = components
        self.holdout = holdout
        self.searchLift = searchLift
    }
}
