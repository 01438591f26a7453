import CRdKafka

/// A Kafka client failure: a bad property, a broker error, a delivery that did not succeed.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What failed, in librdkafka's words.
    public let description: String

    /// Creates an error with its message.
    public init(_ description: String) {
        self.description = description
    }

    init(_ action: String, code: rd_kafka_resp_err_t) {
        description = "\(action): \(String(cString: rd_kafka_err2str(code)))"
    }
}
