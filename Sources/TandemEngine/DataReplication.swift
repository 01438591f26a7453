/// One object replication a managed resource sets up: objects under `source` should appear under `target` with the
/// same key after the source prefix, put behind the target prefix. `tandem drift --data` compares the two listings.
public struct DataReplication: Sendable {
    /// Names the replication within its resource (`pipeline source-to-replica`, `rule docs`).
    public var name: String
    /// Where objects come from; `prefix` limits the keys replicated.
    public var source: ObjectLocation
    /// Where they go; `prefix` is put before each source key (after the source prefix is removed).
    public var target: ObjectLocation
    /// Why the replication cannot be compared by listing (a key template other than `PREFIX{key}`); nil when it can.
    public var notComparable: String?

    /// Creates a replication.
    public init(name: String, source: ObjectLocation, target: ObjectLocation, notComparable: String? = nil) {
        self.name = name
        self.source = source
        self.target = target
        self.notComparable = notComparable
    }
}

/// A bucket (and key prefix) on an S3 endpoint, with the identity that may list and read it.
public struct ObjectLocation: Sendable, CustomStringConvertible {
    /// The endpoint URL; nil for AWS.
    public var endpoint: String?
    /// The signing region.
    public var region: String
    /// The bucket.
    public var bucket: String
    /// The key prefix ("" for the whole bucket).
    public var prefix: String
    /// The access key; nil to resolve credentials as the aws provider does (the environment, then the profile).
    public var accessKey: String?
    /// Its secret (never shown: not part of `description`).
    public var secretKey: String?
    /// A session token for temporary credentials.
    public var sessionToken: String?
    /// A PEM file of CAs to trust besides the system's.
    public var caBundle: String?

    /// Creates a location.
    public init(endpoint: String?, region: String, bucket: String, prefix: String = "", accessKey: String? = nil, secretKey: String? = nil,
                sessionToken: String? = nil, caBundle: String? = nil) {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.prefix = prefix
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.sessionToken = sessionToken
        self.caBundle = caBundle
    }

    /// `s3://bucket/prefix`, without credentials.
    public var description: String { "s3://\(bucket)/\(prefix)" }
}
