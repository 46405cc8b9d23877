import ImproveCore

/// The session puts the run's spend gate before every call a distributed run dispatches.
extension PostgresRunStore: DispatchGatingStore {}
