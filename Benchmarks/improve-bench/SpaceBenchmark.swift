// improve-bench space [profile-dir] [seeds]: the model-free proposals of autoresearch on an
// artifact profile (default Profiles/compressor), sampler by sampler, no model involved.
//
// For each sampler (random, tpe) and seed 1...seeds, a run of the profile's maxAttempts with
// modelShare 0 (every attempt drawn from the declared space): the best metric reached, and the
// attempt at which the metric first reached the target (4,000 for the compressor's README).
import Foundation
import Generators
import ImproveCore

/// A client that must never be called: this benchmark measures the space alone.
struct NoModel: ModelClient {
    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        throw ModelError.unknownProvider("none (improve-bench space asks no model)", known: [])
    }
}

func spaceBenchmark(profile: URL, seeds: Int, target: Double) async throws {
    var spec = try ArtifactSpecLoader.load(contentsOf: profile.appendingPathComponent("artifact.yaml"))
    spec.modelShare = 0
    spec.baselineRepeats = 1
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("improve-bench-space-\(ProcessInfo.processInfo.processIdentifier)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    print("space benchmark: \(profile.lastPathComponent), \(spec.maxAttempts) attempts per run, \(seeds) seeds, target \(Int(target))")
    for sampler in SearchSpace.Sampler.allCases {
        spec.sampler = sampler
        var bests: [Double] = []
        var reached: [Int] = []
        for seed in 1...seeds {
            let runner = AutoresearchRunner(
                spec: spec, model: ModelSpec(provider: "none", id: "none"), runID: "bench-\(sampler.rawValue)-\(seed)",
                logURL: scratch.appendingPathComponent("attempts.tsv"), recordInGit: false, seed: UInt64(seed))
            let result = try await runner.run(client: NoModel())
            bests.append(result.bestMetric)
            if let hit = result.attempts.first(where: { $0.number > 0 && ($0.metric.map { spec.direction == .minimise ? $0 <= target : $0 >= target } ?? false) }) {
                reached.append(hit.number)
            }
        }
        let sorted = bests.sorted()
        let median = sorted[sorted.count / 2]
        let meanReach = reached.isEmpty ? "-" : String(format: "%.1f", Double(reached.reduce(0, +)) / Double(reached.count))
        print(String(format: "%@: best median %.0f (min %.0f, max %.0f); reached target in %d/%d runs, mean attempt %@", sampler.rawValue, median, sorted.first ?? 0, sorted.last ?? 0, reached.count, seeds, meanReach))
    }
}
