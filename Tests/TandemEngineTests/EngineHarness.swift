import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemLanguage
import TandemState
import TandemTesting

/// Plans and applies configurations written inline against the in-memory provider and a temporary state file.
struct EngineHarness {
    let cloud: InMemoryCloud
    let directory: String

    /// A harness over `cloud` (a fresh one by default) keeping its state and files in `directory` (a fresh one by default).
    init(cloud: InMemoryCloud = InMemoryCloud(), directory: String? = nil) {
        self.cloud = cloud
        self.directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("tandem-engine-\(UUID())").path
    }

    var store: LocalStateStore { LocalStateStore(path: directory + "/state/default.json") }
    var registry: ProviderRegistry { ProviderRegistry([InMemoryProvider(cloud: cloud)]) }

    func configuration(_ text: String) throws -> Configuration {
        let (configuration, diagnostics) = ConfigurationLoader.parse(sources: [("main.tandem.yaml", text)], directory: ".")
        try diagnostics.throwIfErrors()
        return configuration
    }

    /// Writes `files` (path relative to the harness directory -> text) and loads the configuration in `root`, modules included.
    func load(_ files: [String: String], root: String = "config") throws -> Configuration {
        try write(files)
        let (configuration, diagnostics) = ConfigurationLoader.load(directory: directory + "/" + root)
        try diagnostics.throwIfErrors()
        return try #require(configuration)
    }

    /// Writes `files` (path relative to the harness directory -> text).
    func write(_ files: [String: String]) throws {
        for (path, text) in files {
            let url = URL(fileURLWithPath: directory + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Plans with the variables' defaults, overridden by `variables`.
    func plan(_ configuration: Configuration, mode: PlanMode = .normal, targets: [ResourceAddress] = [],
              variables overrides: [String: Value] = [:]) async throws -> Plan {
        let variables = configuration.variables.compactMapValues(\.defaultValue).merging(overrides) { $1 }
        let sessions = ProviderSessions(registry: registry, configuration: configuration, variables: variables, environment: [:])
        return try await Planner(registry: registry, sessions: sessions).plan(
            PlanRequest(configuration: configuration, variables: variables, state: try store.read(), mode: mode, targets: targets))
    }

    func apply(_ plan: Plan, _ configuration: Configuration, parallelism: Int = 10) async throws -> ApplyResult {
        let sessions = ProviderSessions(registry: registry, configuration: configuration, variables: plan.variables, environment: [:])
        let recorder = StateRecorder(state: try store.read(), store: store)
        return await Applier(registry: registry, sessions: sessions)
            .apply(plan, configuration: configuration, recorder: recorder, parallelism: parallelism, hooks: ApplyHooks())
    }

    /// Plans `configuration` and applies the plan: brings the in-memory objects to the configuration.
    @discardableResult
    func converge(_ configuration: Configuration) async throws -> ApplyResult {
        try await apply(try await plan(configuration), configuration)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }
}

func address(_ text: String) -> ResourceAddress { ResourceAddress(parsing: text)! }

extension Plan {
    func change(_ text: String) -> ResourceChange? { resourceChanges.first { $0.address.description == text } }
}
