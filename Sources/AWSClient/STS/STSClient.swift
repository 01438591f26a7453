import NIOHTTP1

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
    let configuration: AWSClientConfiguration
    let transport: AWSTransport
    let signer: SigV4Signer

    /// Creates a client; it shares `transport`'s connections and does not own them.
    public init(configuration: AWSClientConfiguration, transport: AWSTransport) {
        self.configuration = configuration
        self.transport = transport
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "sts")
    }

    /// The account, ARN and user id of the signing credentials.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let root = try await call(action: "GetCallerIdentity", parameters: [])
        guard let result = root.firstDescendant(named: "GetCallerIdentityResult"),
              let account = result.childText("Account"), let arn = result.childText("Arn"),
              let userID = result.childText("UserId") else {
            throw AWSClientError(.invalidResponse, "STS GetCallerIdentity: the response lacks Account, Arn or UserId")
        }
        return CallerIdentity(account: account, arn: arn, userID: userID)
    }

    /// Sends a Query-protocol action (API version 2011-06-15) and parses the XML answer.
    func call(action: String, parameters: [(name: String, value: String)]) async throws -> XMLNode {
        let form = ([("Action", action), ("Version", "2011-06-15")] + parameters)
            .map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }
            .joined(separator: "&")
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/x-www-form-urlencoded; charset=utf-8")
        let request = AWSHTTPRequest(
            serviceName: "STS", endpoint: configuration.endpoint(service: "sts"), method: .POST, path: "/",
            headers: headers, body: Array(form.utf8))
        let response = try await transport.send(request, signer: signer)
        do {
            return try XMLNode.parse(response.body)
        } catch let error as AWSClientError {
            throw AWSClientError(.invalidResponse, "STS \(action): \(error.message)")
        }
    }
}
