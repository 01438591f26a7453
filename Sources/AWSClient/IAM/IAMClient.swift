/// A client for AWS IAM over the Query protocol (API version 2010-05-08). IAM is global: requests are signed for
/// `us-east-1`.
public struct IAMClient: Sendable {
    let query: QueryProtocol

    /// Creates a client; it shares `transport`'s connections and does not own them.
    public init(configuration: AWSClientConfiguration, transport: AWSTransport) {
        let region = EndpointResolver.signingRegion(service: "iam", region: configuration.region)
        query = QueryProtocol(serviceName: "IAM", apiVersion: "2010-05-08", configuration: configuration, transport: transport,
                              signer: SigV4Signer(credentials: configuration.credentials, region: region, service: "iam"))
    }

    /// Calls `action` and returns its `<ActionResult>` element.
    func call(_ action: String, _ parameters: [(name: String, value: String)]) async throws -> XMLNode {
        let root = try await query.call(action: action, parameters: parameters)
        return root.firstDescendant(named: "\(action)Result") ?? root
    }

    /// Calls `action`, returning nil when IAM answers `NoSuchEntity`.
    func callIfExists(_ action: String, _ parameters: [(name: String, value: String)]) async throws -> XMLNode? {
        do {
            return try await call(action, parameters)
        } catch let error as AWSServiceError where error.isNoSuchEntity {
            return nil
        }
    }

    /// Every `member` element of `listName` across pages (follows `Marker` while `IsTruncated` is true).
    func listMembers(_ action: String, _ parameters: [(name: String, value: String)], listName: String) async throws -> [XMLNode] {
        var members: [XMLNode] = []
        var marker: String?
        repeat {
            let result = try await call(action, parameters + (marker.map { [("Marker", $0)] } ?? []))
            members += result.child(listName)?.children(named: "member") ?? []
            marker = result.childText("IsTruncated") == "true" ? result.childText("Marker") : nil
        } while marker != nil
        return members
    }

    /// `Tags.member.N.Key/Value` parameters, sorted by key.
    static func tagParameters(_ tags: [String: String]) -> [(name: String, value: String)] {
        tags.sorted { $0.key < $1.key }.enumerated().flatMap { index, tag in
            [("Tags.member.\(index + 1).Key", tag.key), ("Tags.member.\(index + 1).Value", tag.value)]
        }
    }

    /// `TagKeys.member.N` parameters.
    static func tagKeyParameters(_ keys: [String]) -> [(name: String, value: String)] {
        keys.enumerated().map { ("TagKeys.member.\($0.offset + 1)", $0.element) }
    }

    /// Tags of a `<Tags>` element.
    static func tags(in node: XMLNode?) -> [String: String] {
        (node?.children(named: "member") ?? []).reduce(into: [:]) { tags, member in
            if let key = member.childText("Key") { tags[key] = member.childText("Value") ?? "" }
        }
    }

    /// A policy document from an answer: IAM sends it URL-encoded.
    static func policyDocument(_ text: String?) -> String? {
        text.map { PercentEncoding.decode($0) }
    }
}
