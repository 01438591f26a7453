import Foundation

/// How journal records sit in the file: each is `length` (4 bytes, big-endian), `CRC-32` of the payload (4 bytes,
/// big-endian), then the payload (one JSON object). A record cut short by a kill, or damaged, fails the length or
/// checksum test; it and anything after it are ignored.
public enum JournalFraming {
    /// The largest payload accepted when reading (a length above it is a damaged header, not a record).
    public static let maximumPayload = 64 << 20

    /// The framed bytes of `record`.
    public static func frame(_ record: JournalRecord) throws -> [UInt8] {
        let payload = try JSONEncoder().encode(record)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payload.count + 8)
        appendBigEndian(UInt32(payload.count), to: &bytes)
        appendBigEndian(CRC32.checksum(payload), to: &bytes)
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// The records of a journal file's bytes, up to the first torn or damaged one.
    public struct Contents: Sendable, Equatable {
        /// The intact records, in order.
        public var records: [JournalRecord]
        /// Bytes after the last intact record (a record a kill cut short); 0 for a clean journal.
        public var ignoredBytes: Int
    }

    /// Splits `data` into records, stopping at the first one whose length, checksum or JSON is not intact.
    public static func records(in data: Data) -> Contents {
        var records: [JournalRecord] = []
        var offset = data.startIndex
        let decoder = JSONDecoder()
        while data.endIndex - offset >= 8 {
            let length = Int(readBigEndian(data, at: offset))
            let checksum = readBigEndian(data, at: offset + 4)
            let start = offset + 8
            guard length <= maximumPayload, data.endIndex - start >= length else { break }
            let payload = data[start..<start + length]
            guard CRC32.checksum(payload) == checksum, let record = try? decoder.decode(JournalRecord.self, from: payload) else { break }
            records.append(record)
            offset = start + length
        }
        return Contents(records: records, ignoredBytes: data.endIndex - offset)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    private static func readBigEndian(_ data: Data, at offset: Int) -> UInt32 {
        (UInt32(data[offset]) << 24) | (UInt32(data[offset + 1]) << 16) | (UInt32(data[offset + 2]) << 8) | UInt32(data[offset + 3])
    }
}

/// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), table-driven.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The checksum of `bytes`.
    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
