/// `radosgw-admin user info`.
public struct RGWUser: Decodable, Equatable, Sendable {
    /// `uid`, or `tenant$uid`.
    public var userID: String
    /// The display name.
    public var displayName: String
    /// The email address; empty when unset.
    public var email: String
    /// Non-zero when suspended.
    public var suspended: Int
    /// How many buckets the user may own.
    public var maxBuckets: Int
    /// S3 keys.
    public var keys: [RGWUserKey]
    /// Admin capabilities such as `users=*`.
    public var caps: [RGWCap]
    /// A system user (multisite sync) bypasses permission checks.
    public var system: RGWBool?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", displayName = "display_name", email, suspended, maxBuckets = "max_buckets", keys, caps, system
    }
}

/// One S3 key of a user.
public struct RGWUserKey: Decodable, Equatable, Sendable {
    /// The owner, `uid` or `tenant$uid`.
    public var user: String
    /// The access key id.
    public var accessKey: String
    /// The secret.
    public var secretKey: String

    enum CodingKeys: String, CodingKey { case user, accessKey = "access_key", secretKey = "secret_key" }
}

/// One admin capability: a type (`users`, `buckets`, `metadata`, `usage`, `zone`, …) and a permission (`*`, `read`, `write`).
public struct RGWCap: Decodable, Equatable, Sendable {
    /// The capability type.
    public var type: String
    /// `*`, `read`, `write` or `read, write`.
    public var perm: String
}
