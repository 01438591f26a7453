import CRdKafka

/// One librdkafka client handle (consumer or producer) built from string properties, whose log lines go to a Swift
/// closure instead of stderr. The handle is thread-safe, as librdkafka's handles are.
final class KafkaHandle: @unchecked Sendable {
    /// The `rd_kafka_t`.
    let pointer: OpaquePointer
    private let context: Unmanaged<Context>

    /// What librdkafka's C callbacks reach through the handle's opaque pointer.
    final class Context {
        let log: @Sendable (String) -> Void
        /// A consumer's handler for partitions taken away; returns the positions to commit before they go.
        let onRevoke: (@Sendable (Set<KafkaPartition>) -> [KafkaPartitionOffset])?
        init(log: @escaping @Sendable (String) -> Void, onRevoke: (@Sendable (Set<KafkaPartition>) -> [KafkaPartitionOffset])? = nil) {
            self.log = log
            self.onRevoke = onRevoke
        }
    }

    /// Creates a handle. A property librdkafka rejects is named in the error; its value is not (it may be a password).
    init(_ type: rd_kafka_type_t, properties: [String: String], log: @escaping @Sendable (String) -> Void,
         onRevoke: (@Sendable (Set<KafkaPartition>) -> [KafkaPartitionOffset])? = nil, configure: (OpaquePointer) -> Void = { _ in }) throws {
        let configuration = rd_kafka_conf_new()!
        var message = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            guard rd_kafka_conf_set(configuration, name, value, &message, message.count) == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(configuration)
                // librdkafka quotes rejected values; a value may be a password, so it is cut out of the message.
                throw KafkaError("Kafka property \(name): \(Self.text(message).replacingOccurrences(of: value, with: "***"))")
            }
        }
        let context = Unmanaged.passRetained(Context(log: log, onRevoke: onRevoke))
        rd_kafka_conf_set_opaque(configuration, context.toOpaque())
        rd_kafka_conf_set_log_cb(configuration) { handle, level, facility, line in
            guard let handle, let opaque = rd_kafka_opaque(handle) else { return }
            let context = Unmanaged<Context>.fromOpaque(opaque).takeUnretainedValue()
            context.log("kafka \(level) \(facility.map { String(cString: $0) } ?? ""): \(line.map { String(cString: $0) } ?? "")")
        }
        configure(configuration)
        guard let pointer = rd_kafka_new(type, configuration, &message, message.count) else {
            rd_kafka_conf_destroy(configuration)
            context.release()
            throw KafkaError("cannot create a Kafka client: \(Self.text(message))")
        }
        self.pointer = pointer
        self.context = context
    }

    /// The partitions of a librdkafka list.
    static func partitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> Set<KafkaPartition> {
        guard let list else { return [] }
        return Set((0..<Int(list.pointee.cnt)).map { index in
            KafkaPartition(topic: String(cString: list.pointee.elems[index].topic), partition: list.pointee.elems[index].partition)
        })
    }

    /// The text in a NUL-terminated buffer librdkafka wrote.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        rd_kafka_destroy(pointer)
        context.release()
    }
}
