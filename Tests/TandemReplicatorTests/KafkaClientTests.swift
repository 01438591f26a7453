import Foundation
import KafkaClient
import TandemTesting
import Testing

/// The librdkafka wrapper against librdkafka's mock cluster (real protocol on 127.0.0.1).
@Suite(.serialized) struct KafkaClientTests {
    @Test func aGroupResumesAfterItsLastCommit() throws {
        let cluster = try KafkaMockCluster(topics: ["orders": 1])
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, log: { _ in })
        for number in 1...5 {
            try producer.send(topic: "orders", key: Data("k\(number)".utf8), value: Data("record \(number)".utf8), header: (name: "origin", value: "test"))
        }
        let first = try KafkaConsumer(brokers: cluster.bootstrapServers, group: "copiers", topics: ["orders"], properties: ["session.timeout.ms": "6000"], log: { _ in })
        var read: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while read.count < 3, ContinuousClock.now < deadline {
            if let message = try first.poll(timeout: .milliseconds(200)) { read.append(message) }
        }
        #expect(read.map { String(decoding: $0.value, as: UTF8.self) } == ["record 1", "record 2", "record 3"])
        try #require(read.count >= 3)
        #expect(read.first?.key == Data("k1".utf8))
        // Only the first two are done: the group's position is the third record.
        try first.commit([KafkaPartitionOffset(topic: "orders", partition: 0, offset: read[1].offset + 1)], synchronously: true)
        first.close()

        let second = try KafkaConsumer(brokers: cluster.bootstrapServers, group: "copiers", topics: ["orders"], properties: ["session.timeout.ms": "6000"], log: { _ in })
        defer { second.close() }
        var resumed: KafkaMessage?
        let again = ContinuousClock.now + .seconds(20)
        while resumed == nil, ContinuousClock.now < again { resumed = try second.poll(timeout: .milliseconds(200)) }
        #expect(resumed.map { String(decoding: $0.value, as: UTF8.self) } == "record 3", "an uncommitted record is read again")
    }

    /// A member joining takes partitions from a busy one: the busy one's revoke handler runs (here it takes a second,
    /// as records still being copied would) before the partitions move, so the newcomer never reads a record of them
    /// while the busy member still works on one. The positions the handler returns are committed then (librdkafka's
    /// mock cluster refuses commits during a rebalance, which is logged; the newcomer then starts at the last commit).
    @Test func aRevokedPartitionMovesOnlyAfterTheRevokeHandlerReturns() throws {
        let cluster = try KafkaMockCluster(topics: ["jobs": 2])
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, log: { _ in })
        for partition in 0..<2 {
            for number in 0..<20 {
                try producer.send(topic: "jobs", partition: Int32(partition), key: nil, value: Data("p\(partition) job \(number)".utf8))
            }
        }
        let revoked = RevokeLog()
        let busy = try KafkaConsumer(brokers: cluster.bootstrapServers, group: "workers", topics: ["jobs"], properties: ["session.timeout.ms": "6000"],
                                     onRevoke: { partitions in
                                         Thread.sleep(forTimeInterval: 1)
                                         revoked.add(partitions)
                                         return partitions.map { KafkaPartitionOffset(topic: $0.topic, partition: $0.partition, offset: 10) }
                                     },
                                     log: { _ in })
        defer { busy.close() }
        var first: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while first.count < 40, ContinuousClock.now < deadline {
            if let message = try busy.poll(timeout: .milliseconds(100)) { first.append(message) }
        }
        try #require(first.count == 40, "the first member reads both partitions")

        let newcomer = try KafkaConsumer(brokers: cluster.bootstrapServers, group: "workers", topics: ["jobs"], properties: ["session.timeout.ms": "6000"],
                                         log: { _ in })
        defer { newcomer.close() }
        var second: KafkaMessage?
        let again = ContinuousClock.now + .seconds(30)
        while second == nil, ContinuousClock.now < again {
            _ = try busy.poll(timeout: .milliseconds(50))
            second = try newcomer.poll(timeout: .milliseconds(50))
            #expect(second == nil || revoked.partitions.count == 2, "a record reached the newcomer before the busy member let its partitions go")
        }
        #expect(second != nil, "the newcomer got a partition")
        #expect(revoked.partitions == [KafkaPartition(topic: "jobs", partition: 0), KafkaPartition(topic: "jobs", partition: 1)],
                "the busy member was asked to hand both partitions over")
        #expect(second.map { $0.offset == 0 || $0.offset == 10 } == true, "from the last commit or the handed-over position")
    }

    private final class RevokeLog: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: Set<KafkaPartition> = []
        func add(_ partitions: Set<KafkaPartition>) { lock.withLock { seen.formUnion(partitions) } }
        var partitions: Set<KafkaPartition> { lock.withLock { seen } }
    }

    @Test func aRejectedPropertyIsNamedWithoutItsValue() {
        #expect {
            _ = try KafkaConsumer(brokers: "127.0.0.1:1", group: "g", topics: ["t"], properties: ["security.protocol": "hunter2"], log: { _ in })
        } throws: { error in
            // librdkafka's own message quotes the rejected value.
            "\(error)".contains("security.protocol") && "\(error)".contains("***") && !"\(error)".contains("hunter2")
        }
    }
}
