import TandemCore
import TandemEngine

/// The names resources give each other in `OrderingKeys`, for the order AWS needs whether or not the configuration
/// refers from one to the other: versioning (a bucket) before replication on it or to it, the IAM role and its
/// policies before the replication that uses it, the queue policy before the notification that targets the queue, a
/// role or user before a bucket policy naming it, and a user before its policies and keys. Deletes run in reverse. A
/// name not known yet (an ARN of an object this apply creates) is `*`: it waits for every object of its kind. Each
/// resource type states its own keys in its file.
enum OrderingNames {
    /// `prefix + name` for each name that is known.
    static func all(_ names: [String?], _ prefix: String) -> [String] {
        names.compactMap { $0.map { prefix + $0 } }
    }

    /// The name `extract` finds in `field`, or `*` while the field is unknown.
    static func name(_ field: Value, _ extract: (String?) -> String?) -> String? {
        field.containsUnknown ? "*" : extract(field.stringValue)
    }

    /// The ARNs in a statement's `Principal` (a scalar, a list, or a map of principal kinds to either).
    static func principalARNs(_ principal: Value) -> [String] {
        switch principal {
        case .string(let text): return [text]
        case .list(let items): return items.compactMap(\.stringValue)
        case .map(let kinds): return kinds.values.flatMap(principalARNs)
        default: return []
        }
    }
}
