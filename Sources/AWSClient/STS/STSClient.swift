/// Who the credentials belong to.
public struct CallerIdentity: Sendable, Equatable {
    /// The 12-digit account id.
    public var account: String
    /// The ARN of the user or assumed role.
    public var arn: String
    /// The unique id of the principal (`AIDA…` for users, `AROA…:session` for roles).
    public var userID: String

    /// Creates an identity.
    public init(account: String, arn: String, userID: String) {
        self.account = account
        self.arn = arn
        self.userID = userID
    }
}

/// A client for AWS STS over the Query protocol (form-encoded POST, XML answers).
public struct STSClient: Sendable {
    let query: QueryProtocol

    /// Creates a client; it shares `transport`'s connections and does not own them.
    public init(configuration: AWSClientConfiguration, transport: AWSTransport) {
        query = QueryProtocol(serviceName: "STS", apiVersion: "2011-06-15", configuration: configuration, transport: transport,
                              signer: SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "sts"))
    }

    /// The account, ARN and user id of the signing credentials.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let root = try await query.call(action: "GetCallerIdentity", parameters: [])
        guard let result = root.firstDescendant(named: "GetCallerIdentityResult"),
              let account = result.childText("Account"), let arn = result.childText("Arn"),
              let userID = result.childText("UserId") else {
            throw AWSClientError(.invalidResponse, "STS GetCallerIdentity: the response lacks Account, Arn or UserId")
        }
        return CallerIdentity(account: account, arn: arn, userID: userID)
    }
}
