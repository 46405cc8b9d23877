import ImproveCore

/// Poll intervals of the PostgreSQL store's waiting loops (a coordinator waiting for workers, a
/// worker waiting for work): the journal's own backoff, short at first, doubling up to a ceiling.
typealias PostgresWaitBackoff = WaitBackoff
