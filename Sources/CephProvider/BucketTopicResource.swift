import AWSClient
import Foundation
import TandemCore
import TandemEngine

/// `ceph_bucket_topic`: an RGW bucket-notification topic (SNS CreateTopic on the RGW endpoint) with its push
/// endpoint (http(s)://, amqp://, kafka://), persistence and opaque data. Topics belong to the zone (and tenant) the
/// endpoint serves; multisite does not sync them.
///
/// radosgw 16 copies the topic into every bucket notification that names it, and keeps delivering to the copy: an
/// update of its settings therefore plans `arn` as known after apply, so every `ceph_bucket_notification` that refers
/// to it is written again (and takes the new settings) in the same apply.
struct BucketTopicResource: CephResource {
    static let typeName = "ceph_bucket_topic"
    static let importPath: [String] = ["name"]

    static let schema = ResourceSchema(attributes: [
        "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "Topic name."),
        "push_endpoint": AttributeSchema(.string, .required, sensitive: true,
                                         description: "Where RGW delivers events: http(s)://, amqp:// or kafka:// (Debian's radosgw has no Kafka support). "
                                            + "Sensitive: it can carry a secret (a tandem_replicator's push_endpoint, amqp credentials)."),
        "persistent": AttributeSchema(.bool, .optional, defaultValue: .bool(false),
                                      description: "Queue events in RADOS and deliver asynchronously (survives gateway restarts; first delivery may take ~30 s)."),
        "opaque_data": AttributeSchema(.string, .optional, defaultValue: .string(""), description: "Copied into every event's opaqueData."),
        "attributes": AttributeSchema(.map(.string), .optional, defaultValue: .map([:]),
                                      description: "Further endpoint attributes, e.g. {amqp-exchange: ex, amqp-ack-level: broker, verify-ssl: \"false\"}."),
        "arn": recopiedARN,
    ], description: "An RGW bucket-notification topic")

    /// The ARN, shown as known after apply when the settings change, so the notifications that refer to it are written again.
    private static var recopiedARN: AttributeSchema {
        var arn = AttributeSchema(.string, .computed, description: "arn:aws:sns:<zonegroup>:<tenant>:<name>, for notifications; "
                                  + "known after apply when the topic's settings change, so its notifications are written again with them.")
        arn.recomputedOnChangeOf = ["push_endpoint", "persistent", "opaque_data", "attributes"]
        return arn
    }

    /// Attributes with their own schema entries (or protocol words), left out of `attributes` when read back.
    private static let reserved: Set<String> = ["push-endpoint", "OpaqueData", "persistent", "Version", "Action", "Name"]

    let provider: ConfiguredCephProvider

    func read(current: Value) async throws -> Value? {
        let sns = try provider.sns()
        var arn = current["arn"].stringValue
        if arn == nil, let name = current["name"].stringValue {
            arn = try await sns.listTopics().first { $0.hasSuffix(":\(name)") }
        }
        guard let arn, let attributes = try await sns.getTopicAttributes(arn: arn) else { return nil }
        let endpoint = (try? JSONSerialization.jsonObject(with: Data((attributes["EndPoint"] ?? "{}").utf8))) as? [String: Any] ?? [:]
        let arguments = Self.queryParameters(endpoint["EndpointArgs"] as? String ?? "")
        let extra = arguments.filter { !Self.reserved.contains($0.key) && !$0.key.hasPrefix("Attributes.") }
        return .map([
            "name": .string(attributes["Name"] ?? current["name"].stringValue ?? ""),
            "push_endpoint": .string(endpoint["EndpointAddress"] as? String ?? ""),
            "persistent": .bool((endpoint["Persistent"] as? String) == "true"),
            "opaque_data": .string(attributes["OpaqueData"] ?? ""),
            "attributes": .map(extra.mapValues(Value.string)),
            "arn": .string(arn),
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        if try await read(current: .map(["name": .string(name)])) != nil {
            throw ProviderError("Topic \(name) already exists and is not managed by this state; import it with "
                                + "tandem import \(Self.typeName).NAME \(name).", attributePath: "name")
        }
        try await progress.willCreate()
        return try await write(planned)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        // CreateTopic on an existing name replaces its attributes.
        try await write(planned)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        guard let arn = prior["arn"].stringValue else { return }
        try await provider.sns().deleteTopic(arn: arn)
    }

    private func write(_ planned: Value) async throws -> Value {
        var attributes = (planned["attributes"].mapValue ?? [:]).compactMapValues(\.stringValue)
        attributes["push-endpoint"] = planned["push_endpoint"].stringValue ?? ""
        attributes["persistent"] = planned["persistent"] == .bool(true) ? "true" : "false"
        attributes["OpaqueData"] = planned["opaque_data"].stringValue ?? ""
        let arn = try await provider.sns().createTopic(name: planned["name"].stringValue ?? "", attributes: attributes)
        return try await readBack(.map(["name": planned["name"], "arn": .string(arn)]), what: "Topic \(planned["name"].stringValue ?? "")")
    }

    /// `a=b&c=d` as a map (RGW keeps the topic's creation arguments this way).
    private static func queryParameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let key = parts.first else { continue }
            result[String(key).removingPercentEncoding ?? String(key)] = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
        }
        return result
    }
}
