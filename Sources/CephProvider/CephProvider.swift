import AWSClient
import CephClient
import TandemCore
import TandemEngine
import TLSTrust

/// The `ceph` provider: RGW multisite (realms, zonegroups, zones, sync policy), users, buckets, bucket-notification
/// topics and notifications on a Ceph cluster. It talks to the cluster the way operators do: `radosgw-admin` (locally
/// or through a command prefix such as `kubectl exec -i`), and the S3/SNS APIs of an RGW endpoint.
public struct CephProvider: Provider {
    /// Creates the provider.
    public init() {}

    /// `ceph`: the configuration name and resource type prefix.
    public var name: String { "ceph" }

    /// The provider block: how to run radosgw-admin, and the RGW endpoint with its credentials.
    public var configurationSchema: ResourceSchema {
        ResourceSchema(attributes: [
            "command_prefix": AttributeSchema(.list(.string), .optional, defaultValue: .list([]),
                                              description: "Words before radosgw-admin, e.g. [kubectl, -n, rook-ceph, exec, -i, deploy/rook-ceph-tools, --]; must forward standard input."),
            "radosgw_admin": AttributeSchema(.string, .optional, defaultValue: .string("radosgw-admin"), description: "The radosgw-admin program."),
            "cluster_config": AttributeSchema(.string, .optional, description: "ceph.conf passed as --conf (defaults to CEPH_CONF, then /etc/ceph/ceph.conf)."),
            "endpoint": AttributeSchema(.string, .optional, description: "RGW S3/SNS endpoint URL; defaults to RGW_ENDPOINT."),
            "access_key": AttributeSchema(.string, .optional, description: "RGW access key; defaults to RGW_ACCESS_KEY_ID."),
            "secret_key": AttributeSchema(.string, .optional, sensitive: true, description: "RGW secret key; defaults to RGW_SECRET_ACCESS_KEY."),
            "region": AttributeSchema(.string, .optional, defaultValue: .string("us-east-1"), description: "Region used when signing requests."),
            "ca_bundle": AttributeSchema(.string, .optional,
                                         description: "PEM file of CAs trusted besides the system's for the endpoint (S3, SNS, admin API); defaults to AWS_CA_BUNDLE."),
            "user_management": AttributeSchema(.string, .optional, defaultValue: .string("radosgw-admin"), allowedValues: ["radosgw-admin", "admin-api"],
                                               description: "How ceph_user is managed: radosgw-admin, or the admin ops REST API of the endpoint (needs caps users=*)."),
        ], description: "Ceph RGW")
    }

    /// Every resource type the provider manages.
    public var resourceSchemas: [String: ResourceSchema] {
        CephResources.all.reduce(into: [:]) { $0[$1.typeName] = $1.schema }
    }

    /// `ceph_sync_status`: `radosgw-admin sync status` as fields.
    public var dataSourceSchemas: [String: ResourceSchema] {
        [SyncStatusDataSource.typeName: SyncStatusDataSource.schema]
    }

    /// Why a notification is written again when a topic changes (radosgw 16 keeps a copy of the topic in it).
    public func notes(type: String, action: ChangeAction, before: Value?, after: Value) -> [String] {
        guard action == .update else { return [] }
        switch type {
        case BucketTopicResource.typeName:
            return ["radosgw keeps a copy of the topic inside each bucket notification and delivers to that copy: the notifications that refer to "
                    + "this topic's arn are written again in this apply to take the new settings."]
        case BucketNotificationResource.typeName:
            let topicChanges = (after["topic"].listValue ?? []).contains { $0["topic_arn"] == .unknown }
            let staleCopy = (before?["topic"].listValue ?? []).contains { $0["topic_in_sync"] == .bool(false) }
            guard topicChanges || staleCopy else { return [] }
            return ["written again so radosgw copies the current settings of its topics into it (a notification keeps its own copy of each topic)."]
        default:
            return []
        }
    }

    /// The types whose create refuses an existing name, then announces the create (`ProgressReporter.willCreate()`).
    public func announcesCreates(type: String) -> Bool {
        [BucketResource.typeName, BucketTopicResource.typeName, RealmResource.typeName, SyncGroupResource.typeName,
         UserResource.typeName, ZoneGroupResource.typeName, ZoneResource.typeName].contains(type)
    }

    /// Order multisite needs regardless of references (see `CephOrdering`).
    public func ordering(type: String, value: Value) -> OrderingKeys {
        CephOrdering.keys(type: type, value: value)
    }

    /// Each resource type's plan-time checks, defined beside its schema (bucket names, a flow's zones, ...).
    public func validate(type: String, configuration: Value) -> [ProviderError] {
        CephResources.all.first { $0.typeName == type }?.validate(configuration) ?? []
    }

    /// Reads the environment for what the block leaves unset.
    public func configure(_ configuration: Value, environment: [String: String]) async throws -> any ConfiguredProvider {
        let admin = RadosGWAdmin(
            commandPrefix: (configuration["command_prefix"].listValue ?? []).compactMap(\.stringValue),
            program: configuration["radosgw_admin"].stringValue ?? "radosgw-admin",
            clusterConfiguration: configuration["cluster_config"].stringValue,
            environment: environment)
        let endpoint = configuration["endpoint"].stringValue ?? environment["RGW_ENDPOINT"]
        let accessKey = configuration["access_key"].stringValue ?? environment["RGW_ACCESS_KEY_ID"]
        let secretKey = configuration["secret_key"].stringValue ?? environment["RGW_SECRET_ACCESS_KEY"]
        var gateway: AWSClientConfiguration?
        if let endpoint, let accessKey, let secretKey {
            gateway = AWSClientConfiguration(region: configuration["region"].stringValue ?? "us-east-1",
                                             credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey),
                                             endpointOverride: endpoint, environment: environment,
                                             trust: try TLSTrust.resolve(caBundle: configuration["ca_bundle"].stringValue, environment: environment))
        }
        return ConfiguredCephProvider(admin: admin, gateway: gateway,
                                      usersThroughAdminAPI: configuration["user_management"].stringValue == "admin-api",
                                      caBundle: configuration["ca_bundle"].stringValue)
    }
}
