/// An IAM user.
public struct IAMUser: Sendable, Equatable {
    /// User name.
    public var name: String
    /// Unique id (`AIDA…` on AWS): the principal id S3 events carry.
    public var userID: String
    /// ARN.
    public var arn: String
    /// Path, `/` by default.
    public var path: String
    /// Tags.
    public var tags: [String: String]

    /// Creates a user value.
    public init(name: String, userID: String, arn: String, path: String, tags: [String: String]) {
        self.name = name
        self.userID = userID
        self.arn = arn
        self.path = path
        self.tags = tags
    }
}

/// An IAM role.
public struct IAMRole: Sendable, Equatable {
    /// Role name.
    public var name: String
    /// Unique id (`AROA…`).
    public var roleID: String
    /// ARN.
    public var arn: String
    /// Path, `/` by default.
    public var path: String
    /// The trust policy as JSON text (URL-decoded).
    public var assumeRolePolicyDocument: String
    /// Description, if any.
    public var description: String?
    /// Longest session in seconds.
    public var maxSessionDuration: Int
    /// Tags.
    public var tags: [String: String]

    /// Creates a role value.
    public init(name: String, roleID: String, arn: String, path: String, assumeRolePolicyDocument: String, description: String?,
                maxSessionDuration: Int, tags: [String: String]) {
        self.name = name
        self.roleID = roleID
        self.arn = arn
        self.path = path
        self.assumeRolePolicyDocument = assumeRolePolicyDocument
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.tags = tags
    }
}

/// An access key of an IAM user.
public struct IAMAccessKey: Sendable, Equatable {
    /// The key id (`AKIA…`).
    public var accessKeyID: String
    /// The owning user.
    public var userName: String
    /// `Active` or `Inactive`.
    public var status: String
    /// The secret: only in the answer to CreateAccessKey.
    public var secretAccessKey: String?

    /// Creates an access key value.
    public init(accessKeyID: String, userName: String, status: String, secretAccessKey: String?) {
        self.accessKeyID = accessKeyID
        self.userName = userName
        self.status = status
        self.secretAccessKey = secretAccessKey
    }
}

extension AWSServiceError {
    /// The IAM entity does not exist (`NoSuchEntity`).
    public var isNoSuchEntity: Bool { code == "NoSuchEntity" }
}
