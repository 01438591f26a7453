import Foundation
import KubernetesClient
import TandemCore
import TandemEngine

/// Custom resources checked against their CRD's `openAPIV3Schema` before anything is sent (a v1.20 API server prunes
/// unknown fields without a word): unknown fields, types, enums, required fields, patterns, each reported at the bad
/// field's line. The CRD comes from the configuration (declared in the same plan, so it is never an error that the
/// cluster lacks it yet), else from the cluster (while planning), else from the provider's `crd_files`.
enum CustomResourceChecks {
    /// CRDs declared by `kubernetes_manifest`s among `resources`, and the problems of those that cannot be read.
    static func declared(in resources: [PlannedResource]) -> (CustomResourceDefinitionCatalog, [PlannedResourceProblem]) {
        var catalog = CustomResourceDefinitionCatalog()
        var problems: [PlannedResourceProblem] = []
        for resource in resources where resource.address.type == ManifestResource.typeName {
            let manifest = resource.value["manifest"]
            guard CustomResourceDefinition.isDefinition(manifest), !manifest.containsUnknown else { continue }
            do {
                catalog.add(try CustomResourceDefinition(manifest))
            } catch {
                problems.append(PlannedResourceProblem(address: resource.address, error: ProviderError("this CRD cannot be read: \(error)", attributePath: "manifest")))
            }
        }
        return (catalog, problems)
    }

    /// The CRDs of the provider's `crd_files`.
    static func files(_ paths: [String]) throws -> CustomResourceDefinitionCatalog {
        CustomResourceDefinitionCatalog(try paths.flatMap { try CustomResourceDefinitionLoader.load(from: $0) })
    }

    /// The custom resources among `resources`: `kubernetes_manifest`s whose apiVersion names a group.
    static func customResources(_ resources: [PlannedResource]) -> [(PlannedResource, apiVersion: String, kind: String)] {
        resources.compactMap { resource in
            guard resource.address.type == ManifestResource.typeName, let apiVersion = resource.value["manifest"]["apiVersion"].stringValue,
                  apiVersion.contains("/"), let kind = resource.value["manifest"]["kind"].stringValue else { return nil }
            return (resource, apiVersion, kind)
        }
    }

    /// Every custom resource among `resources` checked against the CRD `definition` finds for its apiVersion and
    /// kind; one it finds none for is not checked here.
    static func check(_ resources: [PlannedResource], definition: (String, String) -> CustomResourceDefinition?) -> [PlannedResourceProblem] {
        customResources(resources).flatMap { resource, apiVersion, kind -> [PlannedResourceProblem] in
            guard let found = definition(apiVersion, kind) else { return [] }
            let manifest = resource.value["manifest"]
            return found.validate(manifest).map { violation in
                PlannedResourceProblem(address: resource.address, error: ProviderError(
                    "\(kind) \(manifest["metadata"]["name"].stringValue ?? ""): \(violation)", attributePath: attributePath(violation.path)))
            }
        }
    }

    /// The attribute path of a manifest field, in the dotted form the engine maps to a source line; a key that is not
    /// a plain name (a label such as `app.kubernetes.io/name`) stops the path at its map.
    static func attributePath(_ path: FieldPath) -> String {
        var text = "manifest"
        for component in path.components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                guard !key.contains("."), !key.contains("["), !key.isEmpty else { return text }
                text += "." + key
            }
        }
        return text
    }

    /// The offline check (`tandem validate`): CRDs declared in the configuration, then those of `crd_files`.
    static func offline(_ resources: [PlannedResource], configuration: Value) -> [PlannedResourceProblem] {
        let (declared, problems) = declared(in: resources)
        let files: CustomResourceDefinitionCatalog
        do {
            files = try Self.files((configuration["crd_files"].listValue ?? []).compactMap(\.stringValue))
        } catch {
            guard let first = resources.first else { return problems }
            return problems + [PlannedResourceProblem(address: first.address, error: ProviderError("crd_files: \(error)"))]
        }
        return problems + check(resources) { declared.definition(apiVersion: $0, kind: $1) ?? files.definition(apiVersion: $0, kind: $1) }
    }
}
