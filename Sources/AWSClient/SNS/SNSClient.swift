/// A client for the SNS topic calls over the Query protocol (API version 2010-03-31), as AWS and the Ceph RGW
/// (bucket-notification topics with push endpoints) both serve them.
public struct SNSClient: Sendable {
    let query: QueryProtocol

    /// Creates a client; it shares `transport`'s connections and does not own them.
    public init(configuration: AWSClientConfiguration, transport: AWSTransport) {
        query = QueryProtocol(serviceName: "SNS", apiVersion: "2010-03-31", configuration: configuration, transport: transport,
                              signer: SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "sns"))
    }

    /// Creates a topic, or (RGW) overwrites the attributes of an existing one with this name; returns its ARN.
    public func createTopic(name: String, attributes: [String: String]) async throws -> String {
        var parameters: [(name: String, value: String)] = [("Name", name)]
        for (index, entry) in attributes.sorted(by: { $0.key < $1.key }).enumerated() {
            parameters += [("Attributes.entry.\(index + 1).key", entry.key), ("Attributes.entry.\(index + 1).value", entry.value)]
        }
        let root = try await query.call(action: "CreateTopic", parameters: parameters)
        guard let arn = root.firstDescendant(named: "TopicArn")?.text, !arn.isEmpty else {
            throw AWSClientError(.invalidResponse, "SNS CreateTopic: the response has no TopicArn")
        }
        return arn
    }

    /// The topic's attributes; nil when there is no such topic.
    public func getTopicAttributes(arn: String) async throws -> [String: String]? {
        let root: XMLNode
        do {
            root = try await query.call(action: "GetTopicAttributes", parameters: [("TopicArn", arn)])
        } catch let error as AWSServiceError where error.statusCode == 404 || error.code == "NotFound" || error.isNoSuchEntity {
            return nil
        }
        var attributes: [String: String] = [:]
        for entry in root.firstDescendant(named: "Attributes")?.children(named: "entry") ?? [] {
            if let key = entry.childText("key") { attributes[key] = entry.childText("value") ?? "" }
        }
        return attributes
    }

    /// The ARNs of the topics the caller can see, each once (RGW may list one twice).
    public func listTopics() async throws -> [String] {
        var arns: [String] = []
        var token: String?
        repeat {
            let root = try await query.call(action: "ListTopics", parameters: token.map { [("NextToken", $0)] } ?? [])
            for member in root.firstDescendant(named: "Topics")?.children(named: "member") ?? [] {
                if let arn = member.childText("TopicArn"), !arns.contains(arn) { arns.append(arn) }
            }
            let next = root.firstDescendant(named: "NextToken")?.text ?? ""
            token = next.isEmpty ? nil : next
        } while token != nil
        return arns
    }

    /// Deletes a topic (no error when it does not exist).
    public func deleteTopic(arn: String) async throws {
        _ = try await query.call(action: "DeleteTopic", parameters: [("TopicArn", arn)])
    }
}
