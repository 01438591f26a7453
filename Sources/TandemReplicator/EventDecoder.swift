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
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body) else {
            throw MalformedEvent(description: "the message is not a JSON object: \(String(decoding: body.prefix(120), as: UTF8.self))")
        }
        if envelope.type == "Notification", let message = envelope.message {
            return try decode(Data(message.utf8))
        }
        if envelope.event?.hasSuffix("TestEvent") == true {
            return Decoded(skipped: ["test-event"])
        }
        guard let records = envelope.records else {
            throw MalformedEvent(description: "the message has no Records: \(String(decoding: body.prefix(120), as: UTF8.self))")
        }
        var decoded = Decoded()
        for record in records {
            let eventName = record.eventName ?? ""
            let name = eventName.hasPrefix("s3:") ? String(eventName.dropFirst(3)) : eventName
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

    private static func event(_ record: Record, name: String, change: ObjectEvent.Change) throws -> ObjectEvent {
        guard let bucket = record.s3?.bucket?.name, let rawKey = record.s3?.object?.key else {
            throw MalformedEvent(description: "a \(name) record without s3.bucket.name or s3.object.key")
        }
        let object = record.s3?.object
        let source = record.eventSource ?? ""
        let principal = record.userIdentity?.principalId.flatMap { $0.isEmpty ? nil : PrincipalID.normalised($0) }
        return ObjectEvent(
            change: change, name: name, bucket: bucket, key: keyIsEncoded(eventSource: source) ? PercentEncoding.decode(rawKey, plusAsSpace: true) : rawKey,
            size: object?.size, eTag: object?.eTag.map(S3Client.unquoted(eTag:)),
            versionID: object?.versionId?.isEmpty == false ? object?.versionId : nil, principal: principal, eventSource: source,
            time: record.eventTime.flatMap(eventTime))
    }

    /// The message as JSONDecoder reads it: every field optional, and a field of an unexpected type read as absent (as
    /// a missing one is), so only the fields an event needs decide whether it is malformed.
    private struct Envelope: Decodable {
        var type: String?, message: String?, event: String?, records: [Record]?

        enum CodingKeys: String, CodingKey { case type = "Type", message = "Message", event = "Event", records = "Records" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = container.lenient(String.self, .type)
            message = container.lenient(String.self, .message)
            event = container.lenient(String.self, .event)
            records = container.lenient([Record].self, .records)
        }
    }

    private struct Record: Decodable {
        var eventName: String?, eventSource: String?, eventTime: String?, userIdentity: Identity?, s3: S3?

        enum CodingKeys: String, CodingKey { case eventName, eventSource, eventTime, userIdentity, s3 }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            eventName = container.lenient(String.self, .eventName)
            eventSource = container.lenient(String.self, .eventSource)
            eventTime = container.lenient(String.self, .eventTime)
            userIdentity = container.lenient(Identity.self, .userIdentity)
            s3 = container.lenient(S3.self, .s3)
        }
    }

    private struct Identity: Decodable {
        var principalId: String?

        enum CodingKeys: String, CodingKey { case principalId }

        init(from decoder: any Decoder) throws {
            principalId = try decoder.container(keyedBy: CodingKeys.self).lenient(String.self, .principalId)
        }
    }

    private struct S3: Decodable {
        var bucket: Bucket?, object: Object?

        enum CodingKeys: String, CodingKey { case bucket, object }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            bucket = container.lenient(Bucket.self, .bucket)
            object = container.lenient(Object.self, .object)
        }
    }

    private struct Bucket: Decodable {
        var name: String?

        enum CodingKeys: String, CodingKey { case name }

        init(from decoder: any Decoder) throws {
            name = try decoder.container(keyedBy: CodingKeys.self).lenient(String.self, .name)
        }
    }

    private struct Object: Decodable {
        var key: String?, size: Int?, eTag: String?, versionId: String?

        enum CodingKeys: String, CodingKey { case key, size, eTag, versionId }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = container.lenient(String.self, .key)
            size = container.lenient(Int.self, .size)
            eTag = container.lenient(String.self, .eTag)
            versionId = container.lenient(String.self, .versionId)
        }
    }

    /// A record's `eventTime`: ISO 8601 in UTC with or without fractional seconds (AWS `2026-12-06T10:00:00.123Z`,
    /// RGW microseconds); moto leaves out the `Z`, read as UTC too.
    static func eventTime(_ text: String) -> Date? {
        for candidate in [text, text + "Z"] {
            if let date = try? fractionalSeconds.parse(candidate) { return date }
            if let date = try? wholeSeconds.parse(candidate) { return date }
        }
        return nil
    }

    private static let fractionalSeconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let wholeSeconds = Date.ISO8601FormatStyle()

    /// AWS (and S3 emulators that copy it) form-URL-encode keys in events; Ceph RGW does not.
    static func keyIsEncoded(eventSource: String) -> Bool {
        !eventSource.hasPrefix("ceph:")
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or nil when it is missing, null or of another type.
    fileprivate func lenient<T: Decodable>(_ type: T.Type, _ key: Key) -> T? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }
}
