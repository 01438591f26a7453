import AWSClient
import Foundation
import KubernetesClient
import TandemCore
import TandemEngine
import TLSTrust

/// The `tandem` provider: what Tandem itself runs. `tandem_replicator` provisions and launches the bundled
/// replicator (`tandem replicator run`) for one pipeline.
public struct TandemProvider: Provider {
    let runtimeDirectory: String
    let program: String

    /// Creates the provider. Local replicators keep their files under `runtimeDirectory` (next to the state file) and
    /// run `program` (the `tandem` executable).
    public init(runtimeDirectory: String, program: String) {
        self.runtimeDirectory = runtimeDirectory
        self.program = program
    }

    /// `tandem`: the configuration name and resource type prefix.
    public var name: String { "tandem" }

    /// The provider block: the cluster of `runtime: kubernetes` replicators (aliases address several).
    public var configurationSchema: ResourceSchema {
        ResourceSchema(attributes: [
            "kubeconfig": AttributeSchema(.string, .optional, description: "runtime kubernetes: the kubeconfig; by default KUBECONFIG, then ~/.kube/config, then a pod's service account."),
            "context": AttributeSchema(.string, .optional, description: "runtime kubernetes: the context; by default the current one."),
            "namespace": AttributeSchema(.string, .optional, description: "runtime kubernetes: the namespace of replicators naming none; by default the context's."),
        ], description: "Tandem's own runtime")
    }

    /// `tandem_replicator`, `tandem_migration`.
    public var resourceSchemas: [String: ResourceSchema] {
        [ReplicatorSchema.typeName: ReplicatorSchema.schema, MigrationResource.typeName: MigrationResource.schema]
    }

    /// A restart is worth knowing before it happens, and on a cluster, which objects change (``ReplicatorPlanNotes``).
    public func notes(type: String, action: ChangeAction, before: Value?, after: Value) -> [String] {
        if type == MigrationResource.typeName { return MigrationResource.notes(action: action, after: after) }
        guard type == ReplicatorSchema.typeName else { return [] }
        let objects = ReplicatorPlanNotes.notes(action: action, before: before, after: after)
        guard action == .update else { return objects }
        switch (before?["state"].stringValue, after["state"].stringValue) {
        case (_, "stopped"): return ["The replicator stops: work in flight finishes or returns to its queue first."] + objects
        case ("stopped", _): return ["The replicator starts."] + objects
        default: return ["The replicator restarts with the new configuration: work in flight finishes or returns to its queue first."] + objects
        }
    }

    /// Rules checked while planning: a usable name and listen address, exactly one event source, a runtime that exists,
    /// CA bundles that can be read (on this machine: the local runtime's).
    public func validate(type: String, configuration: Value) -> [ProviderError] {
        if type == MigrationResource.typeName { return MigrationResource.validate(configuration) }
        guard type == ReplicatorSchema.typeName else { return [] }
        var errors: [ProviderError] = []
        if let name = configuration["name"].stringValue,
           name.isEmpty || name.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0))) }) || name.hasPrefix(".") {
            errors.append(ProviderError("name must be letters, digits, -, _ or . (it names files and the push path), not \"\(name)\"", attributePath: "name"))
        }
        if let listen = configuration["listen"].stringValue {
            let port = listen.split(separator: ":").last.flatMap { Int($0) }
            if port == nil || port == 0 || !listen.contains(":") {
                errors.append(ProviderError("listen must be HOST:PORT with a fixed port (apply waits on it), not \"\(listen)\"", attributePath: "listen"))
            }
        }
        if case .map(let events) = configuration["events"], !configuration["events"].containsUnknown {
            let given = ["sqs", "kafka", "http"].filter { !(events[$0] ?? .null).isNull }
            if given.count != 1 {
                errors.append(ProviderError("events needs exactly one of sqs, kafka and http (given: \(given.isEmpty ? "none" : given.joined(separator: ", ")))",
                                            attributePath: "events"))
            }
        }
        if let interval = configuration["reconcile_interval"].numberValue, interval != interval.rounded() || interval < 0 {
            errors.append(ProviderError("reconcile_interval must be a whole number of seconds, 0 or more, not \(Value.format(number: interval))",
                                        attributePath: "reconcile_interval"))
        }
        for path in ["retry.initial_delay", "retry.max_delay", "retry.max_elapsed"] {
            if let number = path.split(separator: ".").reduce(configuration, { $0[String($1)] }).numberValue, !(number > 0) {
                errors.append(ProviderError("\(path) must be more than 0 seconds, not \(Value.format(number: number))", attributePath: path))
            }
        }
        for path in ["concurrency", "max_attempts", "events.sqs.visibility_timeout", "copy.multipart_threshold", "copy.part_size", "copy.parts_in_flight",
                     "events.http.max_journal_bytes", "events.http.max_dead_letter_bytes"] {
            let value = path.split(separator: ".").reduce(configuration) { $0[String($1)] }
            if let number = value.numberValue, number != number.rounded() || number < 1 {
                errors.append(ProviderError("\(path) must be a whole number of at least 1, not \(Value.format(number: number))", attributePath: path))
            }
        }
        // SQS takes a visibility timeout of at most 12 hours (ChangeMessageVisibility, ReceiveMessage).
        if let timeout = configuration["events"]["sqs"]["visibility_timeout"].numberValue, timeout > 43_200 {
            errors.append(ProviderError("events.sqs.visibility_timeout may be at most 43200 seconds (SQS's limit), not \(Value.format(number: timeout))",
                                        attributePath: "events.sqs.visibility_timeout"))
        }
        for side in ["source", "target"] {
            guard let bundle = configuration[side]["ca_bundle"].stringValue else { continue }
            do {
                _ = try TLSTrust.resolve(caBundle: bundle, environment: [:])
            } catch {
                errors.append(ProviderError("\(error)", attributePath: "\(side).ca_bundle"))
            }
        }
        let runtime = configuration["runtime"].stringValue ?? "local"
        if runtime == "local", !configuration["kubernetes"].isNull {
            errors.append(ProviderError("the kubernetes block applies to runtime kubernetes and camel-k only", attributePath: "kubernetes"))
        }
        if runtime == "kubernetes" || runtime == "camel-k" {
            errors += Self.clusterRuntimeProblems(configuration, runtime: runtime)
        }
        if runtime == "camel-k" {
            errors += Self.camelKProblems(configuration)
        }
        return errors
    }

    /// Rules of the runtimes that run pods on a cluster.
    private static func clusterRuntimeProblems(_ configuration: Value, runtime: String) -> [ProviderError] {
        var errors: [ProviderError] = []
        // The Service is named after the pipeline, and Service names are DNS labels (63 characters at most).
        if let name = configuration["name"].stringValue, KubernetesReplicatorManifests.objectName(pipeline: name).count + "-alerts".count > 63 {
            errors.append(ProviderError("with runtime \(runtime) the name may have at most \(63 - "tandem-".count - "-alerts".count) characters (it names the objects)",
                                        attributePath: "name"))
        }
        let block = configuration["kubernetes"]
        if runtime == "kubernetes", block.isNull || block["image"].isNull {
            errors.append(ProviderError("runtime kubernetes needs a kubernetes block with at least the image", attributePath: block.isNull ? "runtime" : "kubernetes"))
        }
        if runtime == "camel-k", !block["image"].isNull {
            errors.append(ProviderError("runtime camel-k runs the image the Camel K operator builds: leave kubernetes.image unset", attributePath: "kubernetes.image"))
        }
        if runtime == "kubernetes", !block["operator_id"].isNull {
            errors.append(ProviderError("kubernetes.operator_id names a Camel K operator: it applies to runtime camel-k only", attributePath: "kubernetes.operator_id"))
        }
        for side in ["source", "target"] where runtime == "camel-k" && configuration[side]["ca_bundle"].stringValue != nil {
            errors.append(ProviderError("ca_bundle is not passed to Camel K: trust the CA in the Integration's JVM (Camel K's jvm trait) and leave ca_bundle unset",
                                        attributePath: "\(side).ca_bundle"))
        }
        if let replicas = block["replicas"].numberValue, replicas != replicas.rounded() || replicas < 1 {
            errors.append(ProviderError("kubernetes.replicas must be a whole number of at least 1 (state: stopped scales to none), not \(Value.format(number: replicas))",
                                        attributePath: "kubernetes.replicas"))
        }
        return errors
    }

    /// What a Camel K route cannot do, refused before anything is applied.
    private static func camelKProblems(_ configuration: Value) -> [ProviderError] {
        var errors: [ProviderError] = []
        if !configuration["events"]["http"].isNull {
            errors.append(ProviderError("runtime camel-k takes sqs or kafka events; pushed events need the journal of runtime local or kubernetes",
                                        attributePath: "events.http"))
        }
        // Values go into Camel simple expressions as quoted literals.
        var literals: [(String, String)] = [("source.prefix", configuration["source"]["prefix"].stringValue ?? ""),
                                             ("target.key_template", configuration["target"]["key_template"].stringValue ?? "")]
        for (index, principal) in (configuration["skip_principals"].listValue ?? []).enumerated() {
            literals.append(("skip_principals[\(index)]", principal.stringValue ?? ""))
        }
        for (path, text) in literals where text.contains("'") || text.contains("${") || text.contains("{{") {
            errors.append(ProviderError("with runtime camel-k, \(path) may not contain ', ${ or {{ (Camel reads it as an expression)", attributePath: path))
        }
        return errors
    }

    /// Local replicators need only the runtime directory; the cluster of kubernetes ones is resolved on first use.
    public func configure(_ configuration: Value, environment: [String: String]) async throws -> any ConfiguredProvider {
        let transport = AWSTransport(requestTimeout: .seconds(5), connectTimeout: .seconds(2))
        let cluster = ClusterOnFirstUse {
            var access = try KubeconfigLoader.load(path: configuration["kubeconfig"].stringValue, context: configuration["context"].stringValue,
                                                   environment: environment)
            if let namespace = configuration["namespace"].stringValue { access.namespace = namespace }
            return KubernetesClient(connection: try KubernetesConnection(access: access, environment: environment))
        }
        return ConfiguredTandemProvider(local: LocalReplicatorRuntime(directory: runtimeDirectory, program: program, transport: transport),
                                        transport: transport, cluster: cluster.client)
    }
}

/// A Kubernetes client made once, when first asked for.
private final class ClusterOnFirstUse: @unchecked Sendable {
    private let lock = NSLock()
    private let make: () throws -> KubernetesClient
    private var made: Result<KubernetesClient, any Error>?

    init(_ make: @escaping () throws -> KubernetesClient) {
        self.make = make
    }

    @Sendable func client() throws -> KubernetesClient {
        try lock.withLock {
            if made == nil { made = Result { try make() } }
            return try made!.get()
        }
    }
}
