import AWSClient
import Foundation

/// Turns one delivered message (an SQS body, a Kafka value, an HTTP push body) into object events.
///
/// Accepts the S3 envelope `{"Records": [...]}`, the same wrapped in an SNS notification (`"Message"` holding the
/// envelope as text), and S3's `s3:TestEvent`. Keys are decoded by where the record comes from: AWS (and moto)
/// form-URL-encode them (`+` is a space, `%2B` a plus), RGW sends them raw, so decoding an RGW key would corrupt
/// every key with `+` or `%` in it.
public enum EventDecoder {
    /// What a message held: events to act on, and records skipped with the reason (for the skipped-events counter).
    public struct Decoded: Sendable, Equatable {
        /// Object events, in the message's order.
        public var events: [ObjectEvent] = []
        /// Reasons for records (or whole messages) not acted on: `test-event`, `unhandled-event:<name>`.
        public var skipped: [String] = []
    }

    /// The message is not an S3 event at all (not JSON, no Records, a record without bucket or key).
    public struct MalformedEvent: Error, CustomStringConvertible, Sendable {
        /// What is wrong with it.
        public var description: String
    }

    /// Decodes one message body.
    public static func decode(_ body: Data) throws -> Decoded {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw MalformedEvent(description: "the message is not a JSON object: \(String(decoding: body.prefix(120), as: UTF8.self))")
        }
        if object["Type"] as? String == "Notification", let message = object["Message"] as? String {
            return try decode(Data(message.utf8))
        }
        if (object["Event"] as? String)?.hasSuffix("TestEvent") == true {
            return Decoded(skipped: ["test-event"])
        }
        guard let records = object["Records"] as? [[String: Any]] else {
            throw MalformedEvent(description: "the message has no Records: \(String(decoding: body.prefix(120), as: UTF8.self))")
        }
        var decoded = Decoded()
        for record in records {
            let name = (record["eventName"] as? String ?? "").replacingOccurrences(of: "s3:", with: "", options: .anchored)
            let change: ObjectEvent.Change
            if name.hasPrefix("ObjectCreated:") { change = .created }
            else if name.hasPrefix("ObjectRemoved:") { change = .removed }
            else {
                decoded.skipped.append("unhandled-event:\(name)")
                continue
            }
            decoded.events.append(try event(record, name: name, change: change))
        }
        return decoded
    }

    private static func event(_ record: [String: Any], name: String, change: ObjectEvent.Change) throws -> ObjectEvent {
        let s3 = record["s3"] as? [String: Any]
        let object = s3?["object"] as? [String: Any]
        guard let bucket = (s3?["bucket"] as? [String: Any])?["name"] as? String, let rawKey = object?["key"] as? String else {
            throw MalformedEvent(description: "a \(name) record without s3.bucket.name or s3.object.key")
        }
        let source = record["eventSource"] as? String ?? ""
        let principal = ((record["userIdentity"] as? [String: Any])?["principalId"] as? String).flatMap { $0.isEmpty ? nil : PrincipalID.normalised($0) }
        let version = object?["versionId"] as? String
        return ObjectEvent(
            change: change, name: name, bucket: bucket, key: keyIsEncoded(eventSource: source) ? PercentEncoding.decode(rawKey, plusAsSpace: true) : rawKey,
            size: (object?["size"] as? NSNumber)?.intValue, eTag: (object?["eTag"] as? String).map { $0.replacingOccurrences(of: "\"", with: "") },
            versionID: version?.isEmpty == false ? version : nil, principal: principal, eventSource: source,
            time: (record["eventTime"] as? String).flatMap(eventTime))
    }

    /// A record's `eventTime`: ISO 8601 in UTC with or without fractional seconds (AWS `2026-12-06T10:00:00.123Z`,
    /// RGW microseconds); moto leaves out the `Z`, read as UTC too.
    static func eventTime(_ text: String) -> Date? {
        for candidate in [text, text + "Z"] {
            if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(candidate) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(candidate) { return date }
        }
        return nil
    }

    /// AWS (and S3 emulators that copy it) form-URL-encode keys in events; Ceph RGW does not.
    static func keyIsEncoded(eventSource: String) -> Bool {
        !eventSource.hasPrefix("ceph:")
    }
}
