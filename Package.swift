// swift-tools-version:6.2
import PackageDescription

/// The commit `eddy --version` names: EDDY_GIT_COMMIT when the build sets it (the Dockerfile, whose
/// context has no .git), else the checkout's HEAD.
let gitCommit: String = {
    if let commit = Context.environment["EDDY_GIT_COMMIT"], !commit.isEmpty { return commit }
    guard let git = Context.gitInformation else { return "unknown" }
    return git.currentCommit + (git.hasUncommittedChanges ? "-dirty" : "")
}()

let package = Package(
    name: "eddy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "eddy", targets: ["eddy"])
    ],
    // Exact versions: an application pins what it ships. Package.resolved is not committed (the local
    // package copies' commit ids are not GitHub's), so the packages these depend on resolve within the
    // ranges their own manifests give (docs/development.md).
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-configuration.git", exact: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", exact: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibrdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "Primitives"),
        .target(name: "CBuildInfo", cSettings: [.define("EDDY_GIT_COMMIT", to: "\"\(gitCommit)\"")]),
        .target(
            name: "Kafka",
            dependencies: [
                "CLibrdKafka",
                "Primitives",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CSQLiteConfig",
            dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .target(
            name: "Store",
            dependencies: [
                "CSQLiteConfig",
                "Primitives",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Engine",
            dependencies: [
                "Kafka",
                "Primitives",
                "Store",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Ops",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "JSONScanning"),
        .target(
            name: "Logins",
            dependencies: [
                "Engine",
                "JSONScanning",
                "Primitives",
                "Store",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Workloads declared in a file (workloads/*.yaml): their definition, checked, and their tables.
        .target(
            name: "Declared",
            dependencies: [
                "Engine",
                "JSONScanning",
                "Primitives",
                "Store",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The synthetic streams (user-login, orders): `eddy produce`, `eddy demo`, the tests and the benchmarks.
        .target(name: "Generators", dependencies: ["Logins", "Primitives"]),
        .executableTarget(
            name: "eddy",
            dependencies: [
                "CBuildInfo",
                "Engine",
                "Kafka",
                "Declared",
                "Generators",
                "Logins",
                "Ops",
                "Primitives",
                "Store",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"]),
        // `make bench-parser`: the login parser against Foundation's JSON parsers (not part of `make test`).
        .executableTarget(name: "ParserBench", dependencies: ["Generators", "Logins"], path: "bench/ParserBench"),
        // Test helpers shared by the JSON tests, the login parser's tests, the engine's tests and `make fuzz`.
        .target(name: "JSONTestSupport", dependencies: ["JSONScanning"], path: "Tests/JSONTestSupport"),
        .testTarget(name: "JSONScanningTests", dependencies: ["JSONScanning", "JSONTestSupport"]),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka"]),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "Store", "Kafka", "JSONTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "GeneratorsTests", dependencies: ["Generators", "Logins"]),
        .testTarget(
            name: "DeclaredTests",
            dependencies: [
                "Declared", "Engine", "JSONTestSupport", "Generators", "Logins", "Store", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "LoginsTests",
            dependencies: ["Logins", "Generators", "JSONTestSupport", "Store", "Engine", "Kafka"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "OpsTests",
            dependencies: [
                "Ops",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
