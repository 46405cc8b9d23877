/// A small, fast, seedable generator (SplitMix64) whose whole state is one `UInt64`.
///
/// Control flow in a run must never read an unseeded source of randomness: every random
/// choice comes from a `SeededRandom` whose seed is stored with the run, and whose `state`
/// can be persisted so a resumed run continues the exact same sequence.
public struct SeededRandom: RandomNumberGenerator, Sendable, Codable, Equatable {
    /// The full generator state; store it to resume the sequence exactly.
    public private(set) var state: UInt64

    /// Creates a generator at the start of the sequence for `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// Restores a generator from a previously stored ``state``.
    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) built from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A generator for an independent sub-stream, derived from this seed and a label, so that
    /// adding random draws in one phase never shifts the sequence another phase sees.
    public static func derived(seed: UInt64, label: String) -> SeededRandom {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in label.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        var mixer = SeededRandom(seed: seed ^ h)
        return SeededRandom(seed: mixer.next())
    }
}
