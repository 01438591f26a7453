import Foundation

/// One record taken from a topic.
public struct KafkaMessage: Sendable, Equatable {
    /// The topic it was read from.
    public var topic: String
    /// Its partition.
    public var partition: Int32
    /// Its offset in the partition.
    public var offset: Int64
    /// The record key, when it has one.
    public var key: Data?
    /// The record value.
    public var value: Data

    /// Creates a record.
    public init(topic: String, partition: Int32, offset: Int64, key: Data?, value: Data) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
    }
}

/// A position in one partition of a topic (for commits: the offset of the next record to read).
public struct KafkaPartitionOffset: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The offset.
    public var offset: Int64

    /// Creates a position.
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

/// One partition of a topic.
public struct KafkaPartition: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32

    /// Names a partition.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
}
