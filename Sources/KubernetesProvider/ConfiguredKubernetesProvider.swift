import KubernetesClient
import TandemCore
import TandemEngine

/// The `kubernetes` provider bound to one cluster.
struct ConfiguredKubernetesProvider: ConfiguredProvider {
    let client: KubernetesClient
    let crdFiles: [String]

    /// Nothing to release: connections are pooled process-wide.
    func shutdown() async {}

    func defaults(type: String) -> [String: Value] {
        [SecretResource.typeName, SecretExportResource.typeName].contains(type) ? ["namespace": .string(client.defaultNamespace)] : [:]
    }

    private func reference(_ manifest: Value) throws -> ObjectReference {
        guard let reference = ObjectReference(manifest: manifest) else { throw ProviderError("the manifest needs apiVersion, kind and metadata.name") }
        return reference
    }

    /// The part of `live` Tandem manages, plus the live values of the fields it managed before (`like`: another
    /// manager that changed one took it over, and that change is drift to report), as the type's attributes; the whole
    /// object (without bookkeeping and status) when Tandem manages none of it yet (an imported object).
    private func attributes(_ kind: any KubernetesObjectType.Type, live: Value, like: Value) throws -> Value {
        guard let managed = ManagedFields(of: live, manager: client.fieldManager)?.project(live) else {
            return try kind.attributes(from: Self.namespaceAsWritten(LiveObject.withoutBookkeeping(live, keepStatus: false), in: kind.manifest(like)), like: like)
        }
        let before = kind.manifest(like)
        let formerlyManaged = before.containsUnknown ? .null : LiveObject.restricted(live, toShapeOf: before)
        return try kind.attributes(from: Self.namespaceAsWritten(LiveObject.merged(managed, formerlyManaged), in: before), like: like)
    }

    /// `manifest` without `metadata.namespace` when the configuration's manifest `written` names none (the context's
    /// namespace is used), so the plan, the state and the configuration agree on what was written.
    static func namespaceAsWritten(_ manifest: Value, in written: Value) -> Value {
        guard written["metadata"].mapValue != nil, written["metadata"]["namespace"] == .null,
              case .map(var object) = manifest, case .map(var metadata)? = object["metadata"] else { return manifest }
        metadata["namespace"] = nil
        object["metadata"] = .map(metadata)
        return .map(object)
    }

    func read(type: String, current: Value) async throws -> Value? {
        try await KubernetesErrors.translating(type) {
            if type == SecretExportResource.typeName {
                guard let live = try await client.get(SecretExportResource.reference(current, defaultNamespace: client.defaultNamespace)) else { return nil }
                return try SecretExportResource.attributes(of: live, like: current)
            }
            let kind = try KubernetesObjectTypes.named(type)
            guard let live = try await client.get(try reference(kind.manifest(current))) else { return nil }
            return try attributes(kind, live: live, like: current)
        }
    }

    func create(type: String, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await KubernetesErrors.translating(type) {
            if type == SecretExportResource.typeName {
                var named = planned.mapValue ?? [:]
                if planned["name_from"] != .null {
                    named["name"] = .string(try await SecretExportResource.waitForName(planned, client: client, timeout: timeout(planned), progress: progress))
                }
                let reference = SecretExportResource.reference(.map(named), defaultNamespace: client.defaultNamespace)
                let secret = try await SecretExportResource.waitForSecret(reference, client: client, timeout: timeout(planned), progress: progress)
                return try SecretExportResource.attributes(of: secret, like: planned)
            }
            let kind = try KubernetesObjectTypes.named(type)
            let target = try reference(kind.manifest(planned))
            let existing = try await client.get(target)
            if kind.patchesExisting, existing == nil {
                throw try await missing(target)
            } else if !kind.patchesExisting, let existing, let found = ObjectReference(manifest: existing) {
                throw ProviderError("\(found) already exists; bring it under management with `tandem import \(type).NAME \(kind.importID(of: found))` instead")
            }
            try await progress.willCreate()
            return try await applying(kind, planned: planned, progress: progress)
        }
    }

    func update(type: String, prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await KubernetesErrors.translating(type) {
            if type == SecretExportResource.typeName { return try await create(type: type, planned: planned, progress: progress) }
            return try await applying(try KubernetesObjectTypes.named(type), planned: planned, progress: progress)
        }
    }

    private func applying(_ kind: any KubernetesObjectType.Type, planned: Value, progress: ProgressReporter) async throws -> Value {
        let manifest = kind.manifest(planned)
        var stored = try await client.apply(manifest, force: planned["force_conflicts"] == .bool(true))
        let reference = try reference(stored)
        if reference.kind == "CustomResourceDefinition" {
            progress("waiting for the CRD \(reference.name) to be established")
            stored = try await client.waitUntilReady(reference, timeout: timeout(planned))
            for version in stored["spec"]["versions"].listValue ?? [] where version["served"] != .bool(false) {
                guard let kind = stored["spec"]["names"]["kind"].stringValue else { continue }
                try await client.waitUntilServed(apiVersion: "\(stored["spec"]["group"].stringValue ?? "")/\(version["name"].stringValue ?? "")",
                                                 kind: kind, timeout: min(timeout(planned), .seconds(60)))
            }
        } else if planned["wait_for"].stringValue == "ready" {
            progress("waiting for \(reference) to be ready (\(Readiness(apiVersion: reference.apiVersion, kind: reference.kind).expectation))")
            stored = try await client.waitUntilReady(reference, timeout: timeout(planned))
        }
        return try attributes(kind, live: stored, like: planned)
    }

    /// The error for a `kubernetes_patch` of an object that does not exist, naming it with its namespace.
    private func missing(_ target: ObjectReference) async throws -> ProviderError {
        var named = target
        named.namespace = try await client.locate(target).namespace
        return PatchResource.missing(named)
    }

    private func timeout(_ value: Value) -> Duration {
        value["wait_timeout"].stringValue.flatMap(WaitTimeout.parse) ?? .seconds(600)
    }

    func delete(type: String, prior: Value, progress: ProgressReporter) async throws {
        guard type != SecretExportResource.typeName else { return }
        try await KubernetesErrors.translating(type) {
            let kind = try KubernetesObjectTypes.named(type)
            let reference = try reference(kind.manifest(prior))
            if kind.patchesExisting {
                if try await client.get(reference) != nil { _ = try await client.apply(PatchResource.release(reference)) }
                return
            }
            guard try await client.delete(reference, propagation: prior["delete_propagation"].stringValue ?? "Background") else { return }
            progress("waiting for \(reference) to be gone")
            try await client.waitUntilGone(reference, timeout: timeout(prior))
        }
    }

    func importObject(type: String, id: String) async throws -> Value? {
        try await KubernetesErrors.translating(type) {
            let kind = try KubernetesObjectTypes.named(type)
            guard let reference = kind.reference(importID: id) else {
                throw ProviderError("The id of a \(type) to import is \(kind.importForm), not \(id)")
            }
            guard let live = try await client.get(reference) else { return nil }
            let settings = kind.schema.attributes.filter { $0.value.defaultValue != nil && ["force_conflicts", "wait_for", "wait_timeout", "delete_propagation"].contains($0.key) }
            return try attributes(kind, live: live, like: .map(settings.mapValues { $0.defaultValue ?? .null }))
        }
    }

    func readDataSource(type: String, arguments: Value) async throws -> Value {
        try await KubernetesErrors.translating(type) { try await KubernetesDataSources.read(type: type, arguments: arguments, client: client) }
    }

    /// Custom resources against their CRD: declared in this plan, else the cluster's, else `crd_files`. A custom
    /// resource of a kind the cluster does not serve and no CRD defines is refused here, before anything is applied.
    func validate(resources: [PlannedResource]) async -> [PlannedResourceProblem] {
        let (declared, declaredProblems) = CustomResourceChecks.declared(in: resources)
        var problems = declaredProblems
        let files: CustomResourceDefinitionCatalog
        do {
            files = try CustomResourceChecks.files(crdFiles)
        } catch {
            return problems + resources.prefix(1).map { PlannedResourceProblem(address: $0.address, error: ProviderError("crd_files: \(error)")) }
        }
        var cluster = CustomResourceDefinitionCatalog()
        for (resource, apiVersion, kind) in CustomResourceChecks.customResources(resources)
        where declared.definition(apiVersion: apiVersion, kind: kind) == nil && cluster.definition(apiVersion: apiVersion, kind: kind) == nil {
            do {
                if let definition = try await client.customResourceDefinition(apiVersion: apiVersion, kind: kind) {
                    cluster.add(definition)
                } else if try await client.resource(apiVersion: apiVersion, kind: kind) == nil, files.definition(apiVersion: apiVersion, kind: kind) == nil {
                    problems.append(PlannedResourceProblem(address: resource.address, error: ProviderError(
                        "the cluster (context \(client.connection.access.contextName)) does not serve \(kind) in \(apiVersion), and no CRD for it is "
                        + "declared in this configuration or found in crd_files", attributePath: "manifest.kind")))
                }
            } catch {
                problems.append(PlannedResourceProblem(address: resource.address, error: KubernetesErrors.translate(error, kind: ManifestResource.self) as? ProviderError
                                                       ?? ProviderError("\(error)")))
            }
        }
        return problems + CustomResourceChecks.check(resources) { apiVersion, kind in
            declared.definition(apiVersion: apiVersion, kind: kind) ?? cluster.definition(apiVersion: apiVersion, kind: kind)
                ?? files.definition(apiVersion: apiVersion, kind: kind)
        }
    }

    /// A server-side dry-run of the apply: the object as the server would store it (defaults, admission, validation),
    /// reduced to the fields Tandem would manage and those the state already shows. Nil when it cannot be asked yet: parts unknown, the kind not served
    /// (its CRD is created by this plan), the namespace not there yet, or no permission to dry-run.
    func preview(type: String, configuration: Value, prior: Value?) async throws -> Value? {
        guard let kind = try? KubernetesObjectTypes.named(type) else { return nil }
        // As apply will send it: a namespace attribute left out is the context's (`defaults`).
        var configuration = configuration
        if case .map(var entries) = configuration {
            for (name, value) in defaults(type: type) where entries[name] == nil || entries[name] == .null { entries[name] = value }
            configuration = .map(entries)
        }
        let manifest = kind.manifest(configuration)
        guard !manifest.containsUnknown else { return nil }
        do {
            if kind.patchesExisting, prior == nil, let target = ObjectReference(manifest: manifest), try await client.get(target) == nil {
                throw try await missing(target)
            }
            let stored = try await client.apply(manifest, force: configuration["force_conflicts"] == .bool(true), dryRun: true)
            guard let managed = ManagedFields(of: stored, manager: client.fieldManager) else { return nil }
            // Fields the state knew that stay after this apply (another manager owns them, as after an import) keep
            // their value in the plan, rather than showing as removed when they are not.
            let known = prior.map { LiveObject.restricted(stored, toShapeOf: kind.manifest($0)) } ?? .null
            return try kind.attributes(from: Self.namespaceAsWritten(LiveObject.merged(managed.project(stored), known), in: manifest), like: configuration)
        } catch is KubernetesUnknownKindError {
            return nil
        } catch let error as KubernetesAPIError where [403, 404].contains(error.statusCode) {
            return nil
        } catch {
            throw KubernetesErrors.translate(error, kind: kind)
        }
    }
}
