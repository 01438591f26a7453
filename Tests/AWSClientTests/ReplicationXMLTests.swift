@testable import AWSClient
import Testing

/// moto loses filters and DeleteMarkerReplication on GetBucketReplication, so what Tandem sends is checked here:
/// every field survives encode -> parse, and the V2 elements are written.
struct ReplicationXMLTests {
    @Test func everyFieldRoundTrips() throws {
        let configuration = ReplicationConfiguration(role: "arn:aws:iam::123456789012:role/r", rules: [
            ReplicationRule(id: "tagged", priority: 2, status: "Enabled", filter: S3Filter(prefix: "data/", tags: ["b": "2", "a": "1"]),
                            deleteMarkerReplication: "Disabled", existingObjectReplication: "Enabled", sseKMSEncryptedObjects: "Enabled",
                            destination: ReplicationDestination(bucketARN: "arn:aws:s3:::dst", storageClass: "STANDARD_IA", account: "210987654321",
                                                                accessControlOwner: "Destination", metricsStatus: "Enabled", metricsEventThresholdMinutes: 15,
                                                                replicationTimeStatus: "Enabled", replicationTimeMinutes: 15, replicaKMSKeyID: "key")),
            ReplicationRule(id: "all", priority: 1, deleteMarkerReplication: "Enabled", destination: ReplicationDestination(bucketARN: "arn:aws:s3:::dst")),
        ])
        let text = configuration.xml.rendered()
        #expect(text.contains("<Filter><And><Prefix>data/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key>"))
        #expect(text.contains("<Filter/>"), "a rule without conditions is still V2")
        #expect(text.contains("<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>"))
        let parsed = ReplicationConfiguration(xml: try XMLNode.parse(Array(text.utf8)))
        #expect(parsed == configuration)
    }

    @Test func singleConditionFiltersHaveNoAnd() {
        #expect(S3Filter(prefix: "p/").xml.rendered() == "<Filter><Prefix>p/</Prefix></Filter>")
        #expect(S3Filter(tags: ["k": "v"]).xml.rendered() == "<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>")
        #expect(S3Filter(xml: XMLNode("Filter", children: [XMLNode("Prefix", text: "")])) == S3Filter())
    }
}
