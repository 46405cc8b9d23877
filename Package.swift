// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: ImproveCore <- (Evals, Generators) <- Improve <- improve-cli;
// store backends (ImproveSQLite, ImprovePostgres) depend on ImproveCore only, and the program
// (improve-cli, a library user's package, a test) picks them through ImproveCore's StoreSchemes.
// Platform targets: ImproveHTTP (model providers, on ImproveCore; the CLI picks its wire formats)
// and ImproveProcess (child processes, on nothing of ours; used by Evals and Generators).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "improve",
    // macOS 15: Synchronization.Mutex. CI builds and tests on Linux only; macOS builds by
    // construction (no unconditional Glibc, no /proc in the package's targets).
    platforms: [.macOS(.v15)],
    products: [
        // The loop with the modules its API is written in (profiles, suites, generators), so a
        // library user imports what the quickstart does from products, not from internals.
        .library(name: "Improve", targets: ["Improve", "ImproveCore", "Evals", "Generators"]),
        // What a package depending on improve needs beside the loop: model providers over HTTP
        // (ProviderSearch, ProviderRegistry) and a store backend (each contributes a StoreScheme).
        .library(name: "ImproveHTTP", targets: ["ImproveHTTP"]),
        .library(name: "ImproveSQLite", targets: ["ImproveSQLite"]),
        .library(name: "ImprovePostgres", targets: ["ImprovePostgres"]),
        // Bring-your-own agent: exec and HTTP agents and their model gateway (AgentRuntime).
        .library(name: "ImproveAgents", targets: ["ImproveAgents"]),
        .executable(name: "improve-cli", targets: ["improve-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        // Property-based fuzzing of the loaders inside `swift test` (tests only).
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // Child processes: process groups, SIGKILL teardown on cancel, async pipes (ImproveProcess).
        .package(url: "https://github.com/swiftlang/swift-subprocess", exact: "1.0.2"),
        // FilePath for swift-subprocess's working directory on Linux (Apple platforms have System).
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
        // The PostgreSQL store's client (connection pool, extended-query protocol, SCRAM auth).
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        // The model gateway's loopback HTTP server (ImproveAgents). Already built for postgres-nio,
        // so it adds no download and little build time; the version is the one postgres-nio resolves.
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
    ],
    targets: [
        .target(
            name: "ImproveCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Model providers over HTTP: wire formats, transport, providers.yaml and the registry.
        .target(name: "ImproveHTTP", dependencies: ["ImproveCore"], swiftSettings: strict),
        // Running child processes: time limits, SIGKILL of the whole process group, line sessions.
        .target(
            name: "ImproveProcess",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system", condition: .when(platforms: [.linux])),
            ],
            swiftSettings: strict
        ),
        // The SQLite store backend: the only target that links GRDB.
        .target(
            name: "ImproveSQLite",
            dependencies: ["ImproveCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(name: "Evals", dependencies: ["ImproveCore", "ImproveProcess"], swiftSettings: strict),
        // The PostgreSQL store and the worker loop of distributed runs.
        .target(
            name: "ImprovePostgres",
            dependencies: [
                "ImproveCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Generators", dependencies: ["ImproveCore", "ImproveProcess"], swiftSettings: strict),
        // Agents that are programs or services: the exec and HTTP drivers of the agent protocol and
        // the loopback model gateway every model call of such an agent goes through.
        .target(
            name: "ImproveAgents",
            dependencies: [
                "ImproveCore", "ImproveProcess",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Improve", dependencies: ["ImproveCore", "Evals", "Generators"], swiftSettings: strict),
        .executableTarget(
            name: "improve-cli",
            // Every module the CLI imports, named here rather than reached through Improve.
            dependencies: [
                "Improve", "ImproveCore", "ImproveHTTP", "ImproveSQLite", "ImprovePostgres", "ImproveAgents", "Evals", "Generators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ImproveTestSupport",
            dependencies: ["ImproveCore", "ImproveHTTP"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "improve-bench",
            dependencies: ["Improve", "ImproveSQLite", "ImprovePostgres", "ImproveAgents", "ImproveTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/improve-bench",
            swiftSettings: strict
        ),
        // A child process for the store's SIGKILL chaos test.
        .executableTarget(
            name: "improve-chaos-worker",
            dependencies: ["ImproveCore", "ImproveSQLite", "ImproveTestSupport"],
            path: "Tests/ChaosWorker",
            swiftSettings: strict
        ),
        .testTarget(name: "ImproveCoreTests", dependencies: ["ImproveCore", "ImproveHTTP", "ImproveTestSupport"]),
        .testTarget(name: "ImproveHTTPTests", dependencies: ["ImproveHTTP", "ImproveTestSupport"]),
        .testTarget(name: "ImproveProcessTests", dependencies: ["ImproveProcess"]),
        .testTarget(name: "ImproveAgentsTests", dependencies: ["ImproveAgents", "ImproveSQLite", "ImproveTestSupport"]),
        .testTarget(name: "ImprovePostgresTests", dependencies: ["ImprovePostgres", "ImproveSQLite", "ImproveTestSupport"]),
        .testTarget(
            name: "ImproveSQLiteTests",
            dependencies: ["ImproveSQLite", "ImproveTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "EvalsTests",
            dependencies: ["Evals", "ImproveHTTP", "ImproveSQLite", "ImproveTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "GeneratorsTests", dependencies: ["Generators", "Evals", "ImproveHTTP", "ImproveSQLite", "ImproveTestSupport"]),
        .testTarget(name: "ImproveTests", dependencies: ["Improve", "ImproveSQLite", "ImproveAgents", "ImproveTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["Improve", "ImproveProcess", "ImproveSQLite", "ImprovePostgres", "ImproveAgents", "ImproveTestSupport"]),
        .testTarget(name: "LiveTests", dependencies: ["Improve", "Evals", "Generators", "ImproveHTTP", "ImproveSQLite", "ImproveTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
