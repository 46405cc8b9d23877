extension Duration {
    /// The duration in seconds, for timings people read (never for control flow).
    var inSeconds: Double {
        let (whole, attos) = components
        return Double(whole) + Double(attos) / 1e18
    }
}
