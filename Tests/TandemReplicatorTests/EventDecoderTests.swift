import Foundation
import Testing
@testable import TandemReplicator

/// Decoding against payloads captured from real servers (radosgw 16.2.15 HTTP push, moto 5.2.1 S3 -> SQS bodies).
struct EventDecoderTests {
    private static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/events")

    private func fixture(_ directory: String, _ name: String) throws -> Data {
        try Data(contentsOf: Self.fixtures.appendingPathComponent("\(directory)/\(name)"))
    }

    /// moto fixtures keep the SQS body as text under `body_raw`.
    private func motoBody(_ name: String) throws -> Data {
        let wrapper = try #require(try JSONSerialization.jsonObject(with: try fixture("moto", name)) as? [String: Any])
        return Data(try #require(wrapper["body_raw"] as? String).utf8)
    }

    @Test(arguments: [
        ("0004.json", "a+b+c.txt"), ("0005.json", "dir/sub dir/ünïcödé 日本語 файл.txt"), ("0006.json", "weird/%41 & = ? #.txt"),
        ("0008.json", "from-b/ß é 🚀.txt"), ("0009.json", "mp/multi part+.bin"),
    ]) func rgwKeysArriveRawAndStayRaw(file: String, key: String) throws {
        let event = try #require(try EventDecoder.decode(try fixture("rgw", file)).events.first)
        #expect(event.key == key)
        #expect(event.eventSource == "ceph:s3")
    }

    @Test(arguments: [
        ("005-put-keys-default-creds-ObjectCreated_Put.json", "dir/sub/file.bin"),
        ("007-put-keys-default-creds-ObjectCreated_Put.json", "with space.txt"),
        ("009-put-keys-default-creds-ObjectCreated_Put.json", "plus+sign.txt"),
        ("011-put-keys-default-creds-ObjectCreated_Put.json", "unicodé/日本語 ✓.txt"),
        ("013-put-keys-default-creds-ObjectCreated_Put.json", "weird?&=%#;.txt"),
        ("015-put-keys-default-creds-ObjectCreated_Put.json", "trailing/"),
    ]) func awsKeysAreFormDecoded(file: String, key: String) throws {
        let event = try #require(try EventDecoder.decode(try motoBody(file)).events.first)
        #expect(event.key == key)
        #expect(event.principal == nil, "moto sends no identity")
    }

    @Test func everyCapturedRGWRecordDecodes() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent("rgw").path).sorted()
        #expect(names.count == 24)
        var changes: [ObjectEvent.Change: Int] = [:]
        for name in names {
            let decoded = try EventDecoder.decode(try fixture("rgw", name))
            #expect(decoded.events.count == 1 && decoded.skipped.isEmpty, "\(name)")
            changes[decoded.events[0].change, default: 0] += 1
        }
        #expect(changes == [.created: 16, .removed: 8])
    }

    @Test func eventTimesAreReadForTheReplicationLatency() throws {
        let rgw = try #require(try EventDecoder.decode(try fixture("rgw", "0004.json")).events.first)
        #expect(rgw.time == (try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse("2026-11-21T13:55:22.418251Z")))
        let moto = try #require(try EventDecoder.decode(try motoBody("005-put-keys-default-creds-ObjectCreated_Put.json")).events.first)
        #expect(moto.time.map { abs($0.timeIntervalSince1970 - 1_795_268_567.703) < 0.001 } == true, "moto's time without a zone is UTC")
        #expect(EventDecoder.eventTime("2026-12-06T10:00:00Z") != nil && EventDecoder.eventTime("yesterday") == nil)
    }

    @Test func rgwIdentityVersionsAndDeleteMarkers() throws {
        let put = try #require(try EventDecoder.decode(try fixture("rgw", "0014.json")).events.first)
        #expect(put.principal == "tenant-b-user" && put.versionID == "4-8z4VCgTIMaQ7nWg0Pfs-qYVNH1prV" && put.change == .created)
        let marker = try #require(try EventDecoder.decode(try fixture("rgw", "0016.json")).events.first)
        #expect(marker.name == "ObjectRemoved:DeleteMarkerCreated" && marker.change == .removed && marker.versionID == nil)
        #expect(put.eTag?.contains("\"") == false)
    }

    @Test func testEventsAndOtherNamesAreSkippedWithAReason() throws {
        #expect(try EventDecoder.decode(try motoBody("001-after-PutBucketNotificationConfiguration-s3_TestEvent.json"))
                == EventDecoder.Decoded(events: [], skipped: ["test-event"]))
        #expect(try EventDecoder.decode(try motoBody("026-tagging-and-acl-ObjectAcl_Put.json")).skipped == ["unhandled-event:ObjectAcl:Put"])
    }

    @Test func awsPrincipalsAndSNSEnvelopes() throws {
        let record = #"{"Records":[{"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete","userIdentity":{"principalId":"AWS:AROAEXAMPLE:replicator-session"},"s3":{"bucket":{"name":"b"},"object":{"key":"a%2Bb+c"}}}]}"#
        let wrapped = try JSONSerialization.data(withJSONObject: ["Type": "Notification", "Message": record])
        let event = try #require(try EventDecoder.decode(wrapped).events.first)
        #expect(event.principal == "AROAEXAMPLE" && event.key == "a+b c" && event.change == .removed)
        #expect(PrincipalID.normalised("AWS:AIDAEXAMPLE") == "AIDAEXAMPLE")
        #expect(PrincipalID.normalised("AIDAEXAMPLE") == "AIDAEXAMPLE")
        #expect(PrincipalID.normalised("acme$alice") == "alice")
        // Tabs and Unicode space separators around it are trimmed (the set `CharacterSet.whitespaces` documents); inner ones stay.
        for padded in [" \tAWS:AIDAEXAMPLE\u{2003}", "\u{00A0}AIDAEXAMPLE\t\t"] {
            #expect(PrincipalID.normalised(padded) == "AIDAEXAMPLE", "\(padded.unicodeScalars.map(\.value))")
            #expect(PrincipalID.normalised(padded) == PrincipalID.normalised(padded.trimmingCharacters(in: .whitespaces)))
        }
        #expect(PrincipalID.normalised("a b") == "a b")
    }

    @Test func malformedMessagesAreErrorsNotEvents() {
        #expect(throws: EventDecoder.MalformedEvent.self) { try EventDecoder.decode(Data("not json".utf8)) }
        #expect(throws: EventDecoder.MalformedEvent.self) { try EventDecoder.decode(Data(#"{"Records":[{"eventName":"ObjectCreated:Put"}]}"#.utf8)) }
    }
}
