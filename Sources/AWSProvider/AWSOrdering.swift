import TandemCore
import TandemEngine

/// The order AWS needs between resources whether or not the configuration refers from one to the other:
/// versioning (a bucket) before replication on it or to it, the IAM role and its policies before the replication
/// that uses it, the queue policy before the notification that targets the queue, a role or user before a bucket
/// policy naming it, and a user before its policies and keys. Deletes run in reverse. A name not known yet (an ARN
/// of an object this apply creates) waits for every object of its kind.
enum AWSOrdering {
    static func keys(type: String, value: Value) -> OrderingKeys {
        func all(_ names: [String?], _ prefix: String) -> [String] { names.compactMap { $0.map { prefix + $0 } } }
        /// The name `extract` finds in `field`, or `*` while the field is unknown.
        func name(_ field: Value, _ extract: (String?) -> String?) -> String? {
            field.containsUnknown ? "*" : extract(field.stringValue)
        }
        switch type {
        case S3BucketResource.typeName:
            let principals = PolicyDocument.statements(of: value["policy"]).flatMap { principalARNs($0["Principal"]) }
            return OrderingKeys(provides: all([value["bucket"].stringValue], "s3:bucket:"),
                                requires: all(principals.map { ARN.iamName($0, kind: "role") }, "iam:role-object:")
                                    + all(principals.map { ARN.iamName($0, kind: "user") }, "iam:user:"))
        case S3BucketReplicationResource.typeName:
            let destinations = (value["rule"].listValue ?? []).map { name($0["destination"]["bucket"], ARN.bucketName) }
            return OrderingKeys(requires: all([name(value["bucket"]) { $0 }] + destinations, "s3:bucket:")
                                    + all([name(value["role"]) { ARN.iamName($0, kind: "role") }], "iam:role:"))
        case S3BucketNotificationResource.typeName:
            let queues = (value["queue"].listValue ?? []).map { name($0["queue_arn"]) { ARN.queueName($0) } }
            return OrderingKeys(requires: all([name(value["bucket"]) { $0 }], "s3:bucket:") + all(queues, "sqs:queue-policy:"))
        case SQSQueueResource.typeName:
            let queue = value["name"].stringValue
            return OrderingKeys(provides: all([queue], "sqs:queue:") + (value["policy"].mapValue == nil ? [] : all([queue], "sqs:queue-policy:")))
        case SQSQueuePolicyResource.typeName:
            let queue = name(value["queue_url"]) { ARN.queueName(url: $0) }
            return OrderingKeys(provides: all([queue], "sqs:queue-policy:"), requires: all([queue], "sqs:queue:"))
        case IAMRoleResource.typeName:
            return OrderingKeys(provides: all([value["name"].stringValue], "iam:role:") + all([value["name"].stringValue], "iam:role-object:"))
        case IAMInlinePolicyResource.Owner.role.typeName:
            return OrderingKeys(provides: all([value["role"].stringValue], "iam:role:"), requires: all([value["role"].stringValue], "iam:role-object:"))
        case IAMUserResource.typeName:
            return OrderingKeys(provides: all([value["name"].stringValue], "iam:user:"))
        case IAMInlinePolicyResource.Owner.user.typeName, IAMAccessKeyResource.typeName:
            return OrderingKeys(requires: all([value["user"].stringValue], "iam:user:"))
        default:
            return OrderingKeys()
        }
    }

    /// The ARNs in a statement's `Principal` (a scalar, a list, or a map of principal kinds to either).
    private static func principalARNs(_ principal: Value) -> [String] {
        switch principal {
        case .string(let text): return [text]
        case .list(let items): return items.compactMap(\.stringValue)
        case .map(let kinds): return kinds.values.flatMap(principalARNs)
        default: return []
        }
    }
}
