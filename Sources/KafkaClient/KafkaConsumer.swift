import CRdKafka
import Foundation

/// A member of a consumer group that commits offsets only when told to (`enable.auto.commit=false`,
/// `enable.auto.offset.store=false`), so a record counts as consumed only once its work is done: at-least-once.
///
/// `poll` blocks for up to its timeout; call it from a thread of its own, not from Swift's cooperative pool.
public final class KafkaConsumer: @unchecked Sendable {
    private let handle: KafkaHandle

    /// Joins `group` and subscribes to `topics` on `brokers`. `properties` are further librdkafka settings
    /// (security, timeouts); they override the defaults set here except the commit settings. Defaults: read a new
    /// group's partitions from the beginning; a 10 s session timeout (librdkafka's 45 s would keep a killed member's
    /// partitions from its restarted successor that long); and one hour between polls before the member is
    /// considered stuck (a caller that stops polling while its records are worked on, a long copy among them, keeps
    /// its partitions; a dead process is still noticed by the session timeout).
    ///
    /// When the group takes partitions away (another member joined or left), `onRevoke` is called on the polling
    /// thread before they go: it stops work on their records (the next owner never works on a record at the same time
    /// as this member) and returns the positions that are done, which are committed synchronously before the
    /// partitions are handed over. A broker refusing commits during a rebalance (librdkafka's mock cluster does; Kafka
    /// accepts them while the group prepares a rebalance) is logged: the next owner then starts at the last commit
    /// and reads those records again.
    public init(brokers: String, group: String, topics: [String], properties: [String: String] = [:],
                onRevoke: @escaping @Sendable (Set<KafkaPartition>) -> [KafkaPartitionOffset] = { _ in [] },
                log: @escaping @Sendable (String) -> Void) throws {
        var settings = ["auto.offset.reset": "earliest", "session.timeout.ms": "10000", "max.poll.interval.ms": "3600000"].merging(properties) { $1 }
        settings["bootstrap.servers"] = brokers
        settings["group.id"] = group
        settings["enable.auto.commit"] = "false"
        settings["enable.auto.offset.store"] = "false"
        handle = try KafkaHandle(RD_KAFKA_CONSUMER, properties: settings, log: log, onRevoke: onRevoke) { configuration in
            rd_kafka_conf_set_rebalance_cb(configuration) { handle, error, partitions, opaque in
                guard let handle else { return }
                let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
                if error == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS {
                    if let opaque {
                        let context = Unmanaged<KafkaHandle.Context>.fromOpaque(opaque).takeUnretainedValue()
                        if let onRevoke = context.onRevoke {
                            let code = KafkaConsumer.commit(onRevoke(KafkaHandle.partitions(partitions)), handle: handle, synchronously: true)
                            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                                context.log("committing before a rebalance failed (those records are read again by the next owner): \(String(cString: rd_kafka_err2str(code)))")
                            }
                        }
                    }
                    if !cooperative { rd_kafka_assign(handle, nil) } else if let failure = rd_kafka_incremental_unassign(handle, partitions) { rd_kafka_error_destroy(failure) }
                } else if cooperative {
                    if let failure = rd_kafka_incremental_assign(handle, partitions) { rd_kafka_error_destroy(failure) }
                } else {
                    rd_kafka_assign(handle, partitions)
                }
            }
        }
        rd_kafka_poll_set_consumer(handle.pointer)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let code = rd_kafka_subscribe(handle.pointer, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError("subscribing to \(topics.joined(separator: ", "))", code: code) }
    }

    /// The next record, or nil when none came within `timeout` (or a partition's end was reached). Throws for a
    /// consumer error (a broker down, a topic missing); the consumer stays usable.
    public func poll(timeout: Duration) throws -> KafkaMessage? {
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard let message = rd_kafka_consumer_poll(handle.pointer, milliseconds) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let record = message.pointee
        if record.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return nil }
        guard record.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let detail = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
            throw KafkaError("consuming: \(String(cString: rd_kafka_err2str(record.err)))\(detail.isEmpty ? "" : " (\(detail))")")
        }
        let topic = record.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let value = record.payload.map { Data(bytes: $0, count: record.len) } ?? Data()
        let key = record.key.map { Data(bytes: $0, count: record.key_len) }
        return KafkaMessage(topic: topic, partition: record.partition, offset: record.offset, key: key, value: value)
    }

    /// Commits positions (each the offset of the next record to read). Asynchronous commits return at once; a
    /// failed one only means records are read again after a restart.
    public func commit(_ positions: [KafkaPartitionOffset], synchronously: Bool) throws {
        let code = Self.commit(positions, handle: handle.pointer, synchronously: synchronously)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError("committing offsets", code: code) }
    }

    @discardableResult
    private static func commit(_ positions: [KafkaPartitionOffset], handle: OpaquePointer, synchronously: Bool) -> rd_kafka_resp_err_t {
        guard !positions.isEmpty else { return RD_KAFKA_RESP_ERR_NO_ERROR }
        let list = rd_kafka_topic_partition_list_new(Int32(positions.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for position in positions {
            rd_kafka_topic_partition_list_add(list, position.topic, position.partition)?.pointee.offset = position.offset
        }
        return rd_kafka_commit(handle, list, synchronously ? 0 : 1)
    }

    /// Records not yet read in the assigned partitions (high watermark minus position, as last fetched); nil until
    /// the consumer has a position in at least one partition.
    public func lag() -> Int64? {
        var assignment: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle.pointer, &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR, let assignment else { return nil }
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        guard rd_kafka_position(handle.pointer, assignment) == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        var total: Int64?
        for index in 0..<Int(assignment.pointee.cnt) {
            let element = assignment.pointee.elems[index]
            var low: Int64 = 0, high: Int64 = 0
            guard element.offset >= 0,
                  rd_kafka_get_watermark_offsets(handle.pointer, element.topic, element.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
                  high >= 0 else { continue }
            total = (total ?? 0) + max(high - element.offset, 0)
        }
        return total
    }

    /// The partitions this member owns now (they change when the group rebalances).
    public func assignment() -> Set<KafkaPartition> {
        var assignment: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle.pointer, &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR, let assignment else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        return KafkaHandle.partitions(assignment)
    }

    /// The offset the next record written to a partition will get, asked from the broker.
    public func highWatermark(of partition: KafkaPartition, timeout: Duration = .seconds(10)) throws -> Int64 {
        var low: Int64 = 0, high: Int64 = 0
        let code = rd_kafka_query_watermark_offsets(handle.pointer, partition.topic, partition.partition, &low, &high,
                                                    Int32(timeout.components.seconds * 1000))
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError("asking for the end of \(partition.topic)[\(partition.partition)]", code: code) }
        return high
    }

    /// Leaves the group (its partitions go to the other members at once); the consumer cannot be used afterwards.
    public func close() {
        rd_kafka_consumer_close(handle.pointer)
    }
}
