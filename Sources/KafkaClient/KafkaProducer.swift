import CRdKafka
import Foundation

/// Writes records and waits until the brokers acknowledged each one (`acks=all`, idempotent), so a record handed to
/// `send` is either stored or reported as failed. Used for dead-letter topics (and by tests to feed topics).
public final class KafkaProducer: @unchecked Sendable {
    private let handle: KafkaHandle

    /// Connects to `brokers`; `properties` are further librdkafka settings.
    public init(brokers: String, properties: [String: String] = [:], log: @escaping @Sendable (String) -> Void) throws {
        var settings = ["acks": "all", "enable.idempotence": "true"].merging(properties) { $1 }
        settings["bootstrap.servers"] = brokers
        handle = try KafkaHandle(RD_KAFKA_PRODUCER, properties: settings, log: log, configure: { configuration in
            rd_kafka_conf_set_dr_msg_cb(configuration) { _, message, _ in
                guard let message, let opaque = tandem_kafka_message_opaque(message) else { return }
                Unmanaged<Delivery>.fromOpaque(opaque).takeRetainedValue().report(message.pointee.err)
            }
        })
    }

    /// One record's delivery report, written by whichever thread serves the report.
    private final class Delivery: @unchecked Sendable {
        private let lock = NSLock()
        private var code: rd_kafka_resp_err_t?

        func report(_ code: rd_kafka_resp_err_t) { lock.withLock { self.code = code } }
        var result: rd_kafka_resp_err_t? { lock.withLock { code } }
    }

    /// Sends one record (with an optional key and header; to `partition`, or one chosen by the key) and waits up to
    /// `timeout` for its acknowledgement.
    public func send(topic: String, partition: Int32? = nil, key: Data? = nil, value: Data, header: (name: String, value: String)? = nil,
                     timeout: Duration = .seconds(30)) throws {
        let delivery = Delivery()
        // The delivery report callback owns one reference (released there), so a late report never finds it freed.
        let opaque = Unmanaged.passRetained(delivery).toOpaque()
        let error: OpaquePointer? = value.withUnsafeBytes { valueBytes in
            (key ?? Data()).withUnsafeBytes { keyBytes in
                Array((header?.value ?? "").utf8).withUnsafeBytes { headerBytes in
                    tandem_kafka_produce(handle.pointer, topic, partition ?? RD_KAFKA_PARTITION_UA, key == nil ? nil : keyBytes.baseAddress, keyBytes.count,
                                         valueBytes.baseAddress, valueBytes.count, header?.name, headerBytes.baseAddress, headerBytes.count,
                                         opaque)
                }
            }
        }
        if let error {
            Unmanaged<Delivery>.fromOpaque(opaque).release()
            defer { rd_kafka_error_destroy(error) }
            throw KafkaError("producing to \(topic): \(String(cString: rd_kafka_error_string(error)))")
        }
        let deadline = ContinuousClock.now + timeout
        while delivery.result == nil, ContinuousClock.now < deadline {
            rd_kafka_poll(handle.pointer, 50)
        }
        guard let code = delivery.result else { throw KafkaError("producing to \(topic): no acknowledgement within \(timeout)") }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError("producing to \(topic)", code: code) }
    }
}
