import Foundation
import ImproveCore

/// One finished experiment seen through a search space: the values its content gave the
/// space's fields (a field the content lacks or holds outside its domain is left out) and its
/// loss (the metric, negated when higher is better; +infinity when the experiment crashed).
public struct SpaceObservation: Sendable, Equatable {
    public var values: [String: JSONValue]
    public var loss: Double

    public init(values: [String: JSONValue], loss: Double) {
        self.values = values
        self.loss = loss
    }
}

/// Draws configurations from a ``SearchSpace`` with a seeded generator: uniformly, or by a
/// tree-structured Parzen estimator (TPE) once enough experiments have finished.
///
/// The TPE here is the independent-field form: the observations are split into the best
/// quarter ("good") and the rest; for each field, `candidates` values are drawn from a Parzen
/// density over the good values (a uniform prior mixed with a kernel per good value), and the
/// value with the highest ratio of good to other density is taken. Every observation counts,
/// model edits included, so the sampler learns from the model's experiments too.
public struct SpaceSampler: Sendable {
    public let space: SearchSpace
    public let sampler: SearchSpace.Sampler
    /// Random draws before TPE takes over.
    public let startup: Int
    /// Values drawn per field when TPE chooses.
    public let candidates: Int
    /// The share of observations counted as good.
    public let gamma: Double

    public init(space: SearchSpace, sampler: SearchSpace.Sampler, startup: Int = 4, candidates: Int = 24, gamma: Double = 0.25) {
        self.space = space
        self.sampler = sampler
        self.startup = startup
        self.candidates = candidates
        self.gamma = gamma
    }

    /// A configuration: a value for every field of the space.
    public func propose(observations: [SpaceObservation], rng: inout SeededRandom) -> [String: JSONValue] {
        let finished = observations.filter { !$0.loss.isNaN }
        guard sampler == .tpe, finished.count >= startup else {
            return Dictionary(uniqueKeysWithValues: space.parameters.map { ($0.path, Self.uniform($0.domain, rng: &rng)) })
        }
        let ranked = finished.sorted { $0.loss < $1.loss }
        let goodCount = max(1, Int((gamma * Double(ranked.count)).rounded(.up)))
        let good = Array(ranked.prefix(goodCount)), bad = Array(ranked.dropFirst(goodCount))
        var configuration: [String: JSONValue] = [:]
        for parameter in space.parameters {
            let goodValues = good.compactMap { $0.values[parameter.path] }
            let badValues = bad.compactMap { $0.values[parameter.path] }
            configuration[parameter.path] = choose(parameter.domain, good: goodValues, bad: badValues, rng: &rng)
        }
        return configuration
    }

    private func choose(_ domain: SearchSpace.Domain, good: [JSONValue], bad: [JSONValue], rng: inout SeededRandom) -> JSONValue {
        switch domain {
        case .choices(let options):
            let goodWeights = options.map { option in Double(good.filter { $0 == option }.count) + 1 }
            let badWeights = options.map { option in Double(bad.filter { $0 == option }.count) + 1 }
            let goodTotal = goodWeights.reduce(0, +), badTotal = badWeights.reduce(0, +)
            var best: (index: Int, score: Double)?
            for _ in 0..<candidates {
                let index = rng.weightedIndex(goodWeights) ?? 0
                let score = log(goodWeights[index] / goodTotal) - log(badWeights[index] / badTotal)
                if best.map({ score > $0.score }) ?? true { best = (index, score) }
            }
            return options[best?.index ?? 0]
        case .integer, .real:
            let goodUnits = good.compactMap { Self.unit($0, in: domain) }
            let badUnits = bad.compactMap { Self.unit($0, in: domain) }
            var best: (unit: Double, score: Double)?
            for _ in 0..<candidates {
                let unit = Self.drawParzen(goodUnits, rng: &rng)
                let score = log(Self.parzenDensity(unit, goodUnits)) - log(Self.parzenDensity(unit, badUnits))
                if best.map({ score > $0.score }) ?? true { best = (unit, score) }
            }
            return Self.value(fromUnit: best?.unit ?? 0.5, in: domain)
        }
    }

    /// Kernel width over [0, 1] for `count` points: narrower as evidence grows, never tiny.
    private static func bandwidth(_ count: Int) -> Double { max(0.08, 0.5 / Double(max(count, 1)).squareRoot()) }

    /// Density of the uniform prior (one share) mixed with a Gaussian kernel per point.
    private static func parzenDensity(_ unit: Double, _ points: [Double]) -> Double {
        let width = bandwidth(points.count)
        let kernels = points.reduce(0) { total, point in
            let z = (unit - point) / width
            return total + exp(-0.5 * z * z) / (width * (2 * Double.pi).squareRoot())
        }
        return (1 + kernels) / Double(points.count + 1)
    }

    private static func drawParzen(_ points: [Double], rng: inout SeededRandom) -> Double {
        let pick = rng.index(below: points.count + 1)
        guard pick < points.count else { return rng.nextUnit() }
        // Box–Muller from two seeded uniforms.
        let first = max(rng.nextUnit(), 1e-12), second = rng.nextUnit()
        let normal = (-2 * log(first)).squareRoot() * cos(2 * Double.pi * second)
        return min(1, max(0, points[pick] + normal * bandwidth(points.count)))
    }

    /// A uniform (log-uniform where asked) value of `domain`.
    static func uniform(_ domain: SearchSpace.Domain, rng: inout SeededRandom) -> JSONValue {
        switch domain {
        case .choices(let options): return options[rng.index(below: options.count)]
        case .integer, .real: return value(fromUnit: rng.nextUnit(), in: domain)
        }
    }

    /// Maps [0, 1] onto the domain (linearly, or through the logarithm).
    static func value(fromUnit unit: Double, in domain: SearchSpace.Domain) -> JSONValue {
        switch domain {
        case .choices(let options):
            return options[min(options.count - 1, Int(unit * Double(options.count)))]
        case .integer(let low, let high, let log):
            // Each integer owns an equal share of the (log) interval [low, high + 1).
            let x = log ? Foundation.exp(Foundation.log(Double(low)) + unit * (Foundation.log(Double(high + 1)) - Foundation.log(Double(low)))) : Double(low) + unit * Double(high + 1 - low)
            return .number(Double(min(high, max(low, Int(x.rounded(.down))))))
        case .real(let low, let high, let log):
            let x = log ? Foundation.exp(Foundation.log(low) + unit * (Foundation.log(high) - Foundation.log(low))) : low + unit * (high - low)
            return .number(min(high, max(low, x)))
        }
    }

    /// The inverse of ``value(fromUnit:in:)``, nil when `value` lies outside the domain.
    static func unit(_ value: JSONValue, in domain: SearchSpace.Domain) -> Double? {
        guard domain.contains(value), case .number(let x) = value else { return nil }
        switch domain {
        case .choices: return nil
        case .integer(let low, let high, let log):
            let mid = x + 0.5
            return log ? (Foundation.log(mid) - Foundation.log(Double(low))) / (Foundation.log(Double(high + 1)) - Foundation.log(Double(low))) : (mid - Double(low)) / Double(high + 1 - low)
        case .real(let low, let high, let log):
            return log ? (Foundation.log(x) - Foundation.log(low)) / (Foundation.log(high) - Foundation.log(low)) : (x - low) / (high - low)
        }
    }
}
