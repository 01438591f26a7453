import Foundation
import KafkaClient
import Testing
@testable import TandemReplicator

/// Commit positions when records of a partition finish out of order.
struct PartitionProgressTests {
    private func record(_ offset: Int64, partition: Int32 = 0) -> KafkaMessage {
        KafkaMessage(topic: "events", partition: partition, offset: offset, key: nil, value: Data())
    }

    @Test func aPositionNeverPassesARecordStillInFlight() {
        var progress = PartitionProgress()
        for offset: Int64 in 10...13 { progress.started(record(offset)) }
        #expect(progress.finished(record(12)) == nil, "10 and 11 are not done")
        #expect(progress.finished(record(11)) == nil, "10 is not done")
        #expect(progress.finished(record(10)) == KafkaPartitionOffset(topic: "events", partition: 0, offset: 13), "13 is the next to finish")
        #expect(progress.finished(record(13)) == KafkaPartitionOffset(topic: "events", partition: 0, offset: 14))
    }

    @Test func partitionsAdvanceIndependently() {
        var progress = PartitionProgress()
        progress.started(record(5, partition: 0))
        progress.started(record(7, partition: 1))
        progress.started(record(8, partition: 1))
        #expect(progress.finished(record(7, partition: 1)) == KafkaPartitionOffset(topic: "events", partition: 1, offset: 8))
        #expect(progress.finished(record(5, partition: 0)) == KafkaPartitionOffset(topic: "events", partition: 0, offset: 6))
        #expect(Set(progress.positions) == [KafkaPartitionOffset(topic: "events", partition: 0, offset: 6),
                                           KafkaPartitionOffset(topic: "events", partition: 1, offset: 8)],
                "offset 8 of partition 1 is still in flight")
    }

    @Test func aRevokedPartitionIsCountedForgottenAndNotCommittedByItsLateRecords() {
        var progress = PartitionProgress()
        let zero = KafkaPartition(topic: "events", partition: 0), one = KafkaPartition(topic: "events", partition: 1)
        for offset: Int64 in 3...5 { progress.started(record(offset)) }
        progress.started(record(9, partition: 1))
        #expect(progress.finished(record(3)) == KafkaPartitionOffset(topic: "events", partition: 0, offset: 4))
        #expect(progress.inFlight(in: [zero]) == 2 && progress.inFlight(in: [zero, one]) == 3)
        #expect(progress.forget([zero]) == [KafkaPartitionOffset(topic: "events", partition: 0, offset: 4)], "what is done is handed over")
        #expect(progress.inFlight(in: [zero]) == 0)
        #expect(progress.finished(record(4)) == nil, "a record finishing after the hand-over commits nothing: the next owner has it")
        #expect(progress.positions == [KafkaPartitionOffset(topic: "events", partition: 1, offset: 9)])
    }
}
