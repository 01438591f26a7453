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

    @Test func aRejectedPropertyIsNamedWithoutItsValue() {
        #expect {
            _ = try KafkaConsumer(brokers: "127.0.0.1:1", group: "g", topics: ["t"], properties: ["security.protocol": "hunter2"], log: { _ in })
        } throws: { error in
            // librdkafka's own message quotes the rejected value.
            "\(error)".contains("security.protocol") && "\(error)".contains("***") && !"\(error)".contains("hunter2")
        }
    }
}
