import CRdKafka
import Foundation
import KafkaClient

/// librdkafka's mock Kafka cluster: brokers inside this process that speak the real protocol on 127.0.0.1, so a
/// replicator in another process can consume from it and be killed while the topic and the group's committed
/// offsets live on. Stopped when released.
public final class KafkaMockCluster: @unchecked Sendable {
    private let client: OpaquePointer
    private let cluster: OpaquePointer
    /// `host:port,...` of the brokers.
    public let bootstrapServers: String

    /// Starts `brokers` brokers and creates `topics` (name and partition count).
    public init(brokers: Int32 = 1, topics: [String: Int32]) throws {
        var message = [CChar](repeating: 0, count: 256)
        let configuration = rd_kafka_conf_new()
        // Keep librdkafka's own log quiet; the cluster's handle never produces.
        rd_kafka_conf_set(configuration, "log_level", "3", &message, message.count)
        guard let client = rd_kafka_new(RD_KAFKA_PRODUCER, configuration, &message, message.count) else {
            throw KafkaError("cannot create the mock cluster's client: \(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(client, brokers) else {
            rd_kafka_destroy(client)
            throw KafkaError("cannot start a mock Kafka cluster")
        }
        for (topic, partitions) in topics.sorted(by: { $0.key < $1.key }) {
            let code = rd_kafka_mock_topic_create(cluster, topic, partitions, 1)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                rd_kafka_mock_cluster_destroy(cluster)
                rd_kafka_destroy(client)
                throw KafkaError("creating mock topic \(topic): code \(code.rawValue)")
            }
        }
        self.client = client
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    /// Every record of `topic` from the beginning, read by a throw-away group until `count` arrived or `timeout` passed.
    public func records(of topic: String, atLeast count: Int, timeout: Duration = .seconds(20)) throws -> [KafkaMessage] {
        let consumer = try KafkaConsumer(brokers: bootstrapServers, group: "reader-\(UUID().uuidString)", topics: [topic], log: { _ in })
        defer { consumer.close() }
        var records: [KafkaMessage] = []
        let deadline = ContinuousClock.now + timeout
        while records.count < count, ContinuousClock.now < deadline {
            if let record = try? consumer.poll(timeout: .milliseconds(200)) { records.append(record) }
        }
        return records
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(client)
    }
}
