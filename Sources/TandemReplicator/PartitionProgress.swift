import KafkaClient

/// Which offsets of each partition may be committed when records finish out of order: the commit position of a
/// partition is its lowest record still being worked on (everything below it is done), or one past the highest
/// finished record when none is in flight. A record is therefore never committed before it and every earlier record
/// of its partition are done: at-least-once.
struct PartitionProgress {
    private var inFlight: [KafkaPartition: Set<Int64>] = [:]
    private var highestFinished: [KafkaPartition: Int64] = [:]
    private var committed: [KafkaPartition: Int64] = [:]

    /// Notes that work on a record started (the first record of a partition is where its position starts).
    mutating func started(_ message: KafkaMessage) {
        let partition = KafkaPartition(topic: message.topic, partition: message.partition)
        inFlight[partition, default: []].insert(message.offset)
        if committed[partition] == nil { committed[partition] = message.offset }
    }

    /// Notes that work on a record finished; returns the partition's new commit position when it moved forward.
    mutating func finished(_ message: KafkaMessage) -> KafkaPartitionOffset? {
        let partition = KafkaPartition(topic: message.topic, partition: message.partition)
        // A partition forgotten meanwhile (taken away by a rebalance): its position is the next owner's.
        guard committed[partition] != nil else { return nil }
        inFlight[partition, default: []].remove(message.offset)
        highestFinished[partition] = max(highestFinished[partition] ?? -1, message.offset)
        let position = inFlight[partition]?.min() ?? (highestFinished[partition]! + 1)
        guard position > committed[partition]! else { return nil }
        committed[partition] = position
        return KafkaPartitionOffset(topic: partition.topic, partition: partition.partition, offset: position)
    }

    /// How many records of `partitions` are being worked on.
    func inFlight(in partitions: Set<KafkaPartition>) -> Int {
        partitions.reduce(0) { $0 + (inFlight[$1]?.count ?? 0) }
    }

    /// Drops what is known of `partitions` (taken away by a rebalance) and returns their commit positions.
    mutating func forget(_ partitions: Set<KafkaPartition>) -> [KafkaPartitionOffset] {
        let positions = partitions.compactMap { partition in
            committed[partition].map { KafkaPartitionOffset(topic: partition.topic, partition: partition.partition, offset: $0) }
        }
        for partition in partitions {
            inFlight[partition] = nil
            highestFinished[partition] = nil
            committed[partition] = nil
        }
        return positions
    }

    /// Every partition's commit position so far (for the last, synchronous commit before leaving the group).
    var positions: [KafkaPartitionOffset] {
        committed.map { KafkaPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
    }
}
