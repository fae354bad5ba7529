// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "eddy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "eddy", targets: ["eddy"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibrdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "Primitives"),
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
        // The synthetic user-login stream: `eddy produce`, `eddy demo`, the tests and the benchmarks.
        .target(name: "LoginGenerator", dependencies: ["Logins"]),
        .executableTarget(
            name: "eddy",
            dependencies: [
                "Engine",
                "Kafka",
                "LoginGenerator",
                "Logins",
                "Ops",
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
        .executableTarget(name: "ParserBench", dependencies: ["LoginGenerator", "Logins"], path: "bench/ParserBench"),
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
        .testTarget(name: "LoginGeneratorTests", dependencies: ["LoginGenerator", "Logins"]),
        .testTarget(
            name: "LoginsTests",
            dependencies: ["Logins", "LoginGenerator", "JSONTestSupport", "Store", "Engine", "Kafka"],
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
