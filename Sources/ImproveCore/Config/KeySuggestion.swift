/// The "did you mean" of configuration errors, public so that checks outside this module
/// suggest a key the same way the loaders here do (``ConfigMapping/rejectUnknownKeys(_:)``).
public enum KeySuggestion {
    /// The key of `candidates` nearest to `key` by edit distance, when at most `maxEdits` edits
    /// away (a likely typo); nil otherwise. Ties go to the earlier candidate.
    public static func closest(to key: String, among candidates: [String], maxEdits: Int = 2) -> String? {
        let scored = candidates.map { (key: $0, edits: editDistance($0, key)) }
        guard let best = scored.min(by: { $0.edits < $1.edits }), best.edits <= maxEdits else { return nil }
        return best.key
    }
}
