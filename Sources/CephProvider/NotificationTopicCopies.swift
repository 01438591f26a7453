import AWSClient
import CephClient
import Foundation

/// radosgw 16 keeps a copy of the topic inside each bucket notification (`radosgw-admin topic list --bucket B`) and
/// delivers to that copy, not to the topic: a topic changed after the notification was written keeps sending to its
/// old endpoint. This compares each notification's copy with its topic as it is now.
struct NotificationTopicCopies {
    /// `radosgw-admin topic list --bucket B`.
    private struct Listing: Decodable {
        let topics: [Entry]
        struct Entry: Decodable { let topic: Copy }
        struct Copy: Decodable {
            /// `<notification id>_<topic name>`.
            let name: String
            let arn: String
            let opaqueData: String?
            let dest: Destination
        }
        struct Destination: Decodable {
            let pushEndpoint: String
            let pushEndpointArgs: String
            let persistent: String
            enum CodingKeys: String, CodingKey { case pushEndpoint = "push_endpoint", pushEndpointArgs = "push_endpoint_args", persistent }
        }
    }

    let admin: RadosGWAdmin
    let sns: SNSClient

    /// The ids of `bucket`'s notifications whose copy of the topic differs from the topic. Nil when radosgw-admin cannot
    /// list the copies (not installed here, no access to the cluster): then nothing can be said.
    func staleNotificationIDs(bucket: String, targets: [NotificationTarget]) async throws -> Set<String>? {
        guard let listing = try? await admin.json(["topic", "list", "--bucket", bucket], as: Listing.self) else { return nil }
        var live: [String: [String: String]?] = [:]
        var stale: Set<String> = []
        for target in targets {
            guard let id = target.id, let topicName = target.arn.split(separator: ":").last,
                  let copy = listing.topics.map(\.topic).first(where: { $0.arn == target.arn && $0.name == "\(id)_\(topicName)" }) else { continue }
            if live[target.arn] == nil { live[target.arn] = .some(try await sns.getTopicAttributes(arn: target.arn)) }
            // A topic deleted since: nothing to compare with (and the notification cannot be written again).
            guard let attributes = live[target.arn] ?? nil else { continue }
            let endpoint = (try? JSONSerialization.jsonObject(with: Data((attributes["EndPoint"] ?? "{}").utf8))) as? [String: Any] ?? [:]
            let current = copy.dest.pushEndpoint == endpoint["EndpointAddress"] as? String
                && copy.dest.pushEndpointArgs == endpoint["EndpointArgs"] as? String
                && copy.dest.persistent == endpoint["Persistent"] as? String
                && (copy.opaqueData ?? "") == (attributes["OpaqueData"] ?? "")
            if !current { stale.insert(id) }
        }
        return stale
    }
}
