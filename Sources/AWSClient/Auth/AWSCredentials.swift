/// A set of AWS access keys used to sign requests.
///
/// The description never shows the secret access key or the session token, so a
/// value can be logged or put in an error message without leaking them.
public struct AWSCredentials: Sendable, Equatable {
    /// The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones). Not a secret.
    public var accessKeyID: String
    /// The secret access key. Never printed.
    public var secretAccessKey: String
    /// The session token that comes with temporary credentials. Never printed.
    public var sessionToken: String?

    /// Creates credentials from their parts.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible {
    /// The access key id with the secrets masked, for example
    /// `AWSCredentials(accessKeyID: AKIA…, secretAccessKey: ****, sessionToken: ****)`.
    public var description: String {
        let token = sessionToken == nil ? "nil" : "****"
        return "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: ****, sessionToken: \(token))"
    }

    /// Same as ``description``: the secrets stay masked in debug output too.
    public var debugDescription: String { description }
}

extension AWSCredentials: CustomReflectable {
    /// A mirror without the secrets, so `dump(_:)` and string interpolation of
    /// containing types do not reveal them either.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "accessKeyID": accessKeyID,
            "secretAccessKey": "****",
            "sessionToken": sessionToken == nil ? "nil" : "****",
        ])
    }
}
