// swift-tools-version:6.2
import PackageDescription

// Layers (a target only imports targets from lower layers):
//   0 TandemCore
//   1 TLSTrust (the CAs an HTTPS client trusts: system roots plus a CA bundle; shared by every client)
//   1 TandemLanguage, TandemState, AWSClient (uses TLSTrust), CephClient (radosgw-admin through ChildProcess; uses AWSClient's S3/SNS/SigV4)
//   0 ChildProcess (every process the project starts, through swift-subprocess: no inherited descriptors, own session)
//   1 KafkaClient (librdkafka through the CRdKafka system library: apt-get install librdkafka-dev)
//   1 GitRepository (libgit2 through the CGit2 system library: apt-get install libgit2-dev; commits, trees, diffs)
//   1 KubernetesClient (kubeconfig, credentials, discovery, server-side apply, CRD schemas; uses TLSTrust, ChildProcess)
//   1 TandemReplicator (the bundled event-driven copier: clients and core only)
//   2 TandemEngine
//   3 AWSProvider, CephProvider, TandemProvider (tandem_replicator: provisions TandemReplicator, launches it through ChildProcess
//     or as a Deployment through KubernetesClient),
//     KubernetesProvider (manifests and the seeds' custom resources, on one or more clusters)
//   4 TandemCLI
//   5 tandem (executable, one file)
let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.36.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .target(name: "TandemCore"),
        .target(name: "ChildProcess", dependencies: [.product(name: "Subprocess", package: "swift-subprocess")]),
        .target(name: "TandemLanguage", dependencies: [
            "TandemCore",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "TandemState", dependencies: ["TandemCore"]),
        .target(name: "StateBackends", dependencies: [
            "TandemState", "AWSClient", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOFoundationCompat", package: "swift-nio"),
        ]),
        .target(name: "TLSTrust", dependencies: [
            .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"),
        ]),
        .target(name: "AWSClient", dependencies: [
            "TLSTrust",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"), .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
        ]),
        .target(name: "CephClient", dependencies: ["AWSClient", "ChildProcess"]),
        .systemLibrary(name: "CRdKafka", path: "Sources/CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .target(name: "KafkaClient", dependencies: ["CRdKafka"]),
        .systemLibrary(name: "CGit2", path: "Sources/CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .target(name: "GitRepository", dependencies: ["CGit2"]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "KubernetesClient", dependencies: [
            "TandemCore", "TLSTrust", "ChildProcess",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "TandemReplicator", dependencies: [
            "TandemCore", "AWSClient", "KafkaClient", "TLSTrust",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "TandemEngine", dependencies: [
            "TandemCore", "TandemLanguage", "TandemState",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "AWSProvider", dependencies: ["TandemEngine", "AWSClient", "TLSTrust"]),
        .target(name: "CephProvider", dependencies: ["TandemEngine", "AWSClient", "CephClient", "TLSTrust"]),
        .target(name: "KubernetesProvider", dependencies: ["TandemEngine", "TandemCore", "KubernetesClient"]),
        .target(name: "TandemProvider", dependencies: ["TandemEngine", "TandemCore", "AWSClient", "TandemReplicator", "TLSTrust", "ChildProcess",
                                                       "KubernetesClient", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "TandemCLI", dependencies: [
            "TandemEngine", "AWSProvider", "CephProvider", "KubernetesProvider", "TandemProvider", "TandemReplicator", "AWSClient", "StateBackends", "GitRepository", "CMalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "tandem", dependencies: ["TandemCLI"]),

        .target(name: "TandemTesting", dependencies: [
            "TandemCore", "TandemLanguage", "AWSClient", "CephClient", "TandemEngine", "CRdKafka", "KafkaClient", "ChildProcess",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/TandemTesting"),
        .executableTarget(name: "tandem-benchmarks", dependencies: ["TandemEngine", "TandemLanguage", "TandemState", "TandemTesting", "ChildProcess"],
                          path: "Benchmarks/TandemBenchmarks"),
        .executableTarget(name: "sync-benchmark", dependencies: ["AWSClient", "TandemTesting", .product(name: "Hummingbird", package: "hummingbird")],
                          path: "Benchmarks/SyncBenchmark"),
        .executableTarget(name: "event-latency-benchmark", dependencies: ["AWSClient", "ChildProcess", "TandemTesting"], path: "Benchmarks/EventLatencyBenchmark"),
        .executableTarget(name: "replicator-benchmark", dependencies: ["AWSClient", "ChildProcess", "KafkaClient", "TandemTesting"], path: "Benchmarks/ReplicatorBenchmark"),
        .testTarget(name: "TandemCoreTests", dependencies: ["TandemCore"]),
        .testTarget(name: "TandemLanguageTests", dependencies: ["TandemLanguage"]),
        .testTarget(name: "TandemStateTests", dependencies: ["TandemState"]),
        .testTarget(name: "StateBackendsTests", dependencies: ["StateBackends", "TandemState", "AWSClient", "ChildProcess", "TandemTesting"]),
        .testTarget(name: "TLSTrustTests", dependencies: ["TLSTrust", "TandemTesting"]),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "TandemTesting"]),
        .testTarget(name: "TandemEngineTests", dependencies: ["TandemEngine", "TandemLanguage", "TandemState", "TandemTesting"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "AWSProviderTests", dependencies: ["AWSProvider", "AWSClient", "TandemEngine", "TandemLanguage", "TandemState", "TandemTesting"]),
        .testTarget(name: "TandemReplicatorTests", dependencies: ["TandemReplicator", "AWSClient", "CephClient", "KafkaClient", "TandemTesting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TandemProviderTests", dependencies: ["TandemProvider", "TandemReplicator", "TandemCore", "TandemTesting", "AWSClient", "ChildProcess"]),
        .testTarget(name: "ProviderValidationTests", dependencies: ["AWSProvider", "CephProvider", "TandemProvider", "TandemEngine", "TandemLanguage", "TandemCore",
                                                                    "TandemTesting"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "CephProviderTests", dependencies: ["CephProvider", "CephClient", "AWSClient", "TandemCore", "TandemEngine", "TandemTesting"]),
        .testTarget(name: "KubernetesClientTests", dependencies: ["KubernetesClient", "TandemCore", "TLSTrust", "TandemTesting",
                                                                  .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "KubernetesProviderTests", dependencies: ["KubernetesProvider", "KubernetesClient", "TandemEngine", "TandemLanguage",
                                                                    "TandemCore", "TandemTesting"]),
        .testTarget(name: "ChildProcessTests", dependencies: ["ChildProcess"]),
        .testTarget(name: "TandemCLITests", dependencies: ["TandemCLI"]),
        .testTarget(name: "GitRepositoryTests", dependencies: ["GitRepository", "TandemTesting"]),
        .testTarget(name: "EndToEndTests", dependencies: ["tandem", "KubernetesClient", "AWSClient", "KafkaClient", "TandemTesting", "ChildProcess"],
                    exclude: ["Golden"]),
    ]
)
