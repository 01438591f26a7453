import AWSClient
import Foundation
import KubernetesClient
import TandemCore
import TandemEngine
import TandemReplicator

/// The `tandem` provider, ready to deploy replicators and run migrations.
struct ConfiguredTandemProvider: ConfiguredProvider {
    let local: LocalReplicatorRuntime
    let transport: AWSTransport
    /// The cluster of `runtime: kubernetes` replicators, resolved when one is first used (a machine without a
    /// kubeconfig can still run local replicators).
    let cluster: @Sendable () throws -> KubernetesClient

    /// The runtime a `tandem_replicator` value names.
    func runtime(_ value: Value) throws -> any ReplicatorRuntime {
        switch value["runtime"].stringValue ?? "local" {
        case "local": return local
        case let runtime where runtime == "kubernetes" || runtime == "camel-k":
            let client: KubernetesClient
            do { client = try cluster() } catch { throw ProviderError("runtime \(runtime): \(error)", attributePath: "runtime") }
            let settings = KubernetesReplicatorSettings(value["kubernetes"], defaultNamespace: client.defaultNamespace)
            return runtime == "kubernetes" ? KubernetesReplicatorRuntime(client: client, settings: settings, timeout: .seconds(600))
                : CamelKReplicatorRuntime(client: client, settings: settings, timeout: .seconds(600))
        default: throw ProviderError("there is no runtime \(value["runtime"].stringValue ?? "")", attributePath: "runtime")
        }
    }

    private func check(_ type: String) throws {
        guard type == ReplicatorSchema.typeName else { throw ProviderError("The tandem provider has no resource type \(type)") }
    }

    func dataReplications(type: String, value: Value) async throws -> [DataReplication] {
        if type == MigrationResource.typeName { return try await MigrationResource.dataReplications(value, transport: transport) }
        return type == ReplicatorSchema.typeName ? ReplicatorDataReplication.of(value) : []
    }

    func read(type: String, current: Value) async throws -> Value? {
        // A migration's record is what its last run did: there is nothing live to read back.
        if type == MigrationResource.typeName { return current }
        try check(type)
        guard let name = current["name"].stringValue, let observed = try await runtime(current).observe(name: name) else { return nil }
        return Self.value(observed, runtime: current["runtime"])
    }

    func create(type: String, planned: Value, progress: ProgressReporter) async throws -> Value {
        if type == MigrationResource.typeName { return try await MigrationResource.run(planned, progress: progress, cluster: cluster) }
        return try await deploy(type: type, planned: planned, progress: progress)
    }

    func update(type: String, prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        if type == MigrationResource.typeName { return try await MigrationResource.run(planned, progress: progress, cluster: cluster) }
        return try await deploy(type: type, planned: planned, progress: progress)
    }

    func delete(type: String, prior: Value, progress: ProgressReporter) async throws {
        if type == MigrationResource.typeName { return try await MigrationResource.delete(prior, cluster: cluster) }
        try check(type)
        guard let name = prior["name"].stringValue else { return }
        try await runtime(prior).remove(name: name, progress: { progress($0) })
    }

    private func deploy(type: String, planned: Value, progress: ProgressReporter) async throws -> Value {
        try check(type)
        let name = planned["name"].stringValue ?? ""
        var attributes = planned.mapValue ?? [:]
        if planned["events"]["http"].isNull {
            attributes["push_secret"] = .null
        } else if (planned["push_secret"].stringValue ?? "").isEmpty {
            // Made once, at create (or when pushes are first configured), then kept in the state and the file.
            attributes["push_secret"] = .string(Self.newSecret())
        }
        let planned = Value.map(attributes)
        let document = try ReplicatorDocument.json(for: planned, stateDirectory: (local.directory as NSString).appendingPathComponent(name) + "/state")
        do {
            // The CA bundles as the launched process will load them (it inherits AWS_CA_BUNDLE and SSL_CERT_*).
            _ = try ReplicatorConfiguration.decode(document, path: "the replicator configuration")
                .loadingTrust(environment: ProcessInfo.processInfo.environment, path: "the replicator configuration")
        } catch {
            throw ProviderError("\(error)")
        }
        do {
            let observed = try await runtime(planned).deploy(name: name, configuration: document, running: planned["state"].stringValue != "stopped",
                                                             progress: { progress($0) })
            return Self.value(observed, runtime: planned["runtime"])
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError("\(error)")
        }
    }

    /// The resource's attributes for an observed replicator.
    static func value(_ observed: ReplicatorObservation, runtime: Value) -> Value {
        var attributes = ReplicatorDocument.attributes(of: observed.configuration)
        attributes["runtime"] = runtime.isNull ? .string("local") : runtime
        attributes["state"] = .string(observed.state)
        attributes["pid"] = observed.pid.map { .number(Double($0)) } ?? .null
        attributes["config_path"] = .string(observed.configurationPath)
        attributes["log_path"] = .string(observed.logPath)
        let endpoint = observed.endpoint ?? "http://\(observed.configuration.listen)"
        attributes["endpoint"] = .string(endpoint)
        attributes["kubernetes"] = observed.kubernetes
        attributes["push_endpoint"] = observed.configuration.pipelines.first.flatMap { pipeline in
            pipeline.events.http.flatMap { $0.secret.isEmpty ? nil : .string("\(endpoint)/events/\(pipeline.name)/\($0.secret)") }
        } ?? .null
        return .map(attributes)
    }

    /// 32 hex digits from the system's random generator.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    func importObject(type: String, id: String) async throws -> Value? {
        if type == MigrationResource.typeName {
            throw ProviderError("a tandem_migration records runs of apply: there is nothing to import (declare it and apply to run it)")
        }
        try check(type)
        return try await read(type: type, current: .map(["name": .string(id), "runtime": .string("local")]))
    }

    func readDataSource(type: String, arguments: Value) async throws -> Value {
        throw ProviderError("The tandem provider has no data source \(type)")
    }

    func defaults(type: String) -> [String: Value] { [:] }

    func shutdown() async {
        try? await transport.shutdown()
    }
}
