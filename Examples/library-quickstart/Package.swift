// swift-tools-version:6.0
import PackageDescription

// A library user's first program: a package of its own that depends on improve by path and
// uses only its public API (see Sources/Quickstart/Quickstart.swift and ./run).
let package = Package(
    name: "library-quickstart",
    // improve's own floor (Synchronization.Mutex); CI builds on Linux only.
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency's identity is otherwise its directory's name, which
        // is whatever the checkout of this repository is called.
        .package(name: "improve", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "Quickstart",
            dependencies: [
                .product(name: "Improve", package: "improve"),
                .product(name: "ImproveHTTP", package: "improve"),
                .product(name: "ImproveSQLite", package: "improve"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
