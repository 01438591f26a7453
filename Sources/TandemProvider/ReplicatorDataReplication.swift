import TandemCore
import TandemEngine
import TandemReplicator

/// The object replication a `tandem_replicator` runs, for `tandem drift --data`: its source bucket and prefix, its
/// target bucket behind the key template's prefix, each listed with the pipeline's own keys.
enum ReplicatorDataReplication {
    static func of(_ value: Value) -> [DataReplication] {
        let source = value["source"], target = value["target"]
        guard let sourceBucket = source["bucket"].stringValue, let targetBucket = target["bucket"].stringValue else { return [] }
        func location(_ side: Value, bucket: String, prefix: String) -> ObjectLocation {
            ObjectLocation(endpoint: side["endpoint"].stringValue, region: side["region"].stringValue ?? "us-east-1", bucket: bucket, prefix: prefix,
                           accessKey: side["access_key"].stringValue, secretKey: side["secret_key"].stringValue, caBundle: side["ca_bundle"].stringValue)
        }
        let template = target["key_template"].stringValue ?? "{key}"
        let targetPrefix = (try? KeyTemplate(template))?.prefix(forBucket: sourceBucket)
        return [DataReplication(
            name: "pipeline \(value["name"].stringValue ?? "")",
            source: location(source, bucket: sourceBucket, prefix: source["prefix"].stringValue ?? ""),
            target: location(target, bucket: targetBucket, prefix: targetPrefix ?? ""),
            notComparable: targetPrefix == nil ? "the key template \(template) does not end in {key}: target keys do not sort like source keys" : nil)]
    }
}
