extension Array {
    /// The elements in order, where a later element with the same key replaces the earlier one
    /// in its place: how the scorer, generator and gate-check registries let a run's own kind
    /// override a built-in of the same name without reordering the list.
    package func replacingEarlier<Key: Equatable>(sameKey key: (Element) -> Key) -> [Element] {
        var merged: [Element] = []
        for element in self {
            if let index = merged.firstIndex(where: { key($0) == key(element) }) { merged[index] = element } else { merged.append(element) }
        }
        return merged
    }
}
