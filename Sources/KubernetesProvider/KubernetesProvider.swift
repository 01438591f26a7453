import KubernetesClient
import TandemCore
import TandemEngine

/// The `kubernetes` provider: objects of any kind on one cluster per provider configuration (aliases such as
/// `kubernetes.site_a` and `kubernetes.site_b` address several clusters in one plan), written by server-side apply as
/// field manager `tandem`, planned by server-side dry-run, custom resources checked against their CRD's schema.
public struct KubernetesProvider: Provider {
    /// Creates the provider.
    public init() {}

    /// `kubernetes`.
    public var name: String { "kubernetes" }

    /// The provider block: which kubeconfig and context.
    public var configurationSchema: ResourceSchema {
        ResourceSchema(attributes: [
            "kubeconfig": AttributeSchema(.string, .optional,
                                          description: "The kubeconfig file; by default KUBECONFIG (several files merged), then ~/.kube/config, then a pod's service account."),
            "context": AttributeSchema(.string, .optional, description: "The context to use; by default the kubeconfig's current-context."),
            "namespace": AttributeSchema(.string, .optional,
                                         description: "The namespace of namespaced objects that name none; by default the context's (else `default`)."),
            "crd_files": AttributeSchema(.list(.string), .optional,
                                         description: "CRD files or directories to check custom resources against when the cluster does not have the CRD (and for `tandem validate`)."),
        ], description: "Kubernetes")
    }

    /// The resource types.
    public var resourceSchemas: [String: ResourceSchema] {
        var schemas = KubernetesObjectTypes.all.reduce(into: [String: ResourceSchema]()) { $0[$1.typeName] = $1.schema }
        schemas[SecretExportResource.typeName] = SecretExportResource.schema
        return schemas
    }

    /// `kubernetes_object` and `kubernetes_secret`.
    public var dataSourceSchemas: [String: ResourceSchema] { KubernetesDataSources.schemas }

    /// The cluster's order (see ``KubernetesOrdering``).
    public func ordering(type: String, value: Value) -> OrderingKeys {
        guard let kind = try? KubernetesObjectTypes.named(type) else { return OrderingKeys() }
        return KubernetesOrdering.keys(manifest: kind.manifest(value))
    }

    /// Each type's plan-time checks.
    public func validate(type: String, configuration: Value) -> [ProviderError] {
        type == SecretExportResource.typeName ? SecretExportResource.validate(configuration)
            : (try? KubernetesObjectTypes.named(type))?.validate(configuration) ?? []
    }

    /// Custom resources against CRDs declared beside them or in `crd_files` (offline: `tandem validate`).
    public func validate(resources: [PlannedResource], providerConfiguration: Value) -> [PlannedResourceProblem] {
        CustomResourceChecks.offline(resources, configuration: providerConfiguration)
    }

    /// A create first checks that no object of that name exists (refusing to adopt someone else's), then announces it.
    public func announcesCreates(type: String) -> Bool {
        (try? KubernetesObjectTypes.named(type)) != nil
    }

    /// No notes.
    public func notes(type: String, action: ChangeAction, before: Value?, after: Value) -> [String] { [] }

    /// Resolves the kubeconfig context; nothing is sent to the cluster until a resource needs it.
    public func configure(_ configuration: Value, environment: [String: String]) async throws -> any ConfiguredProvider {
        var access: ClusterAccess
        do {
            access = try KubeconfigLoader.load(path: configuration["kubeconfig"].stringValue, context: configuration["context"].stringValue,
                                               environment: environment)
        } catch let error as KubeconfigError {
            throw ProviderError(error.description)
        }
        if let namespace = configuration["namespace"].stringValue { access.namespace = namespace }
        let connection = try KubernetesConnection(access: access, environment: environment)
        return ConfiguredKubernetesProvider(client: KubernetesClient(connection: connection),
                                            crdFiles: (configuration["crd_files"].listValue ?? []).compactMap(\.stringValue))
    }
}
