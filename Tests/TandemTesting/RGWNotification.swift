import Foundation

/// Bucket notification bodies in the shape radosgw 16.2 sends (`ceph:s3` source, raw keys, the requester's uid,
/// no version id), for event sources radosgw cannot deliver to here (Debian's radosgw has no Kafka support).
public enum RGWNotification {
    /// One record's envelope; `eventName` without the `s3:` prefix, as RGW writes it (`ObjectCreated:Put`).
    public static func body(_ eventName: String, bucket: String, key: String, size: Int = 0, eTag: String = "", principal: String = "tester") -> Data {
        let record: [String: Any] = [
            "eventVersion": "2.2", "eventSource": "ceph:s3", "awsRegion": "", "eventName": eventName,
            "eventTime": ISO8601DateFormatter().string(from: Date()),
            "userIdentity": ["principalId": principal],
            "s3": [
                "s3SchemaVersion": "1.0", "configurationId": "replicate",
                "bucket": ["name": bucket, "ownerIdentity": ["principalId": principal], "arn": "arn:aws:s3:::\(bucket)"],
                "object": ["key": key, "size": size, "eTag": eTag, "versionId": "", "metadata": [Any](), "tags": [Any]()],
            ] as [String: Any],
        ]
        return try! JSONSerialization.data(withJSONObject: ["Records": [record]])
    }
}
