import Foundation
import Synchronization

/// Writes an `Encodable` value as the bytes swift-foundation's `JSONEncoder` gives with `.prettyPrinted`,
/// `.sortedKeys` and `.withoutEscapingSlashes` (keys in UTF-8 byte order), without building the whole document: the
/// top-level object's members are taken one at a time, and a member that is an array or a string-keyed dictionary is
/// encoded element by element (on two threads when it is large), each written out in chunks as it is done. A plan of
/// 100,000 resources is then never one tree of `JSONEncoder`'s values, nor one string of a quarter of a gigabyte (nor
/// copies of it on the way to stdout).
///
/// A value whose top level is not a keyed object, or whose `encode(to:)` opens nested containers or a super encoder at
/// its top level, is encoded by `JSONEncoder` whole. A key encoded twice keeps its last value, as `JSONEncoder` does.
/// Members and items are encoded with an empty coding path, so an encoding error names the path within its item only.
struct StreamedJSON {
    private let encoder: JSONEncoder

    /// Creates a writer.
    init() {
        encoder = Self.makeEncoder()
    }

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Items of one member from which they are encoded on two threads (below it a thread costs more than it saves).
    static let parallelEncodingThreshold = 10_000

    /// Writes `value` and a line feed to `output`. A value is `Sendable` because the items of its large members are
    /// encoded on two threads. On an error, what was written so far stays written (the caller exits with an error).
    func write<T: Encodable & Sendable, Output: ByteOutput>(_ value: T, to output: inout Output) throws {
        guard let captured = MemberCapture.members(of: value) else {
            output.bytes(try encode(value) + [UInt8(ascii: "\n")])
            return
        }
        // The last value of a key encoded twice, as `JSONEncoder` keeps.
        let members = Dictionary(captured.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        output.bytes(Array("{\n".utf8))
        for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            output.bytes(Array((index == 0 ? "  " : ",\n  ").utf8) + (try encode(key)) + Array(" : ".utf8))
            try writeMember(members[key]!, to: &output)
        }
        // An empty object is `{`, an empty line and `}`, as `JSONEncoder` writes it.
        output.bytes(Array("\n}\n".utf8))
    }

    /// One member's value, at the top level's first indentation.
    private func writeMember<Output: ByteOutput>(_ value: any Encodable, to output: inout Output) throws {
        if let elements = value as? [any Encodable], !elements.isEmpty {
            output.bytes(Array("[\n".utf8))
            try writeInOrder(elements.count, to: &output) { index, encoder in
                Array((index == 0 ? "    " : ",\n    ").utf8) + Self.indented(Array(try encoder.encode(elements[index])), by: 4)
            }
            output.bytes(Array("\n  ]".utf8))
        } else if let entries = value as? [String: any Encodable], !entries.isEmpty {
            let keys = entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            output.bytes(Array("{\n".utf8))
            try writeInOrder(keys.count, to: &output) { index, encoder in
                Array((index == 0 ? "    " : ",\n    ").utf8) + Array(try encoder.encode(keys[index])) + Array(" : ".utf8)
                    + Self.indented(Array(try encoder.encode(entries[keys[index]]!)), by: 4)
            }
            output.bytes(Array("\n  }".utf8))
        } else {
            output.bytes(Self.indented(try encode(value), by: 2))
        }
    }

    /// Writes the encodings of items `0..<count` in order. From `parallelEncodingThreshold` items on, two blocks of
    /// `blockSize` are encoded at a time by `concurrentPerform` (on two threads when the pool has one free), each with
    /// an encoder of its own, and written before the next two, so at most two blocks are held. On two cores the
    /// encoding takes a quarter less time (not half: the threads meet in the allocator and in reference counts).
    private func writeInOrder<Output: ByteOutput>(_ count: Int, to output: inout Output,
                              _ encodeItem: @escaping (_ index: Int, _ encoder: JSONEncoder) throws -> [UInt8]) throws {
        guard count >= Self.parallelEncodingThreshold else {
            for index in 0..<count { output.bytes(try encodeItem(index, encoder)) }
            return
        }
        let blockSize = 256, work = ItemEncoding(encode: encodeItem)
        for roundStart in stride(from: 0, to: count, by: 2 * blockSize) {
            let blocks = EncodedBlocks()
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                let encoder = Self.makeEncoder()
                let start = min(roundStart + half * blockSize, count)
                var bytes: [UInt8] = []
                do {
                    for index in start..<min(start + blockSize, count) { bytes += try work.encode(index, encoder) }
                    blocks.store(half, .success(bytes))
                } catch {
                    blocks.store(half, .failure(error))
                }
            }
            for half in 0..<2 { output.bytes(try blocks.take(half)) }
        }
    }

    /// How one item is encoded, handed to the second thread. (`@unchecked`: the closures given to it only read the
    /// value being written, which is `Sendable` and nothing changes meanwhile; each thread passes its own encoder, and
    /// `self`'s encoder is used on the calling thread only.)
    private struct ItemEncoding: @unchecked Sendable {
        let encode: (_ index: Int, _ encoder: JSONEncoder) throws -> [UInt8]
    }

    /// The two blocks of one round, each stored by the thread that encoded it.
    private final class EncodedBlocks: Sendable {
        private let results = Mutex<[Result<[UInt8], any Error>]>([.success([]), .success([])])

        func store(_ half: Int, _ result: Result<[UInt8], any Error>) {
            results.withLock { $0[half] = result }
        }

        func take(_ half: Int) throws -> [UInt8] {
            try results.withLock { $0[half] }.get()
        }
    }

    private func encode(_ value: any Encodable) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }

    /// `json` with `spaces` more at the start of every line but the first; empty lines (inside an empty collection)
    /// stay empty. A JSON string holds no raw line feed, so every one ends a line.
    private static func indented(_ json: [UInt8], by spaces: Int) -> [UInt8] {
        let lineFeed = UInt8(ascii: "\n")
        var result: [UInt8] = []
        result.reserveCapacity(json.count + json.count / 4)
        json.withUnsafeBufferPointer { bytes in
            var lineStart = 0
            // Copies line by line (a run of bytes at once), indenting every line that is not empty.
            while let end = bytes[lineStart...].firstIndex(of: lineFeed) {
                result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart...end]))
                lineStart = end + 1
                if lineStart < bytes.count, bytes[lineStart] != lineFeed {
                    result.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
                }
            }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart...]))
        }
        return result
    }
}

/// The members of a value that encodes itself as a keyed object, by key; nil for anything else, or for a value whose
/// members cannot be taken on their own (nested containers, a super encoder).
private final class MemberCapture: Encoder {
    struct Unsupported: Error {}

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var members: [(key: String, value: any Encodable)] = []
    var unsupported = false
    var keyed = false

    static func members(of value: some Encodable) -> [(key: String, value: any Encodable)]? {
        let capture = MemberCapture()
        do {
            try value.encode(to: capture)
        } catch {
            return nil
        }
        return capture.keyed && !capture.unsupported ? capture.members : nil
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        keyed = true
        return KeyedEncodingContainer(Container<Key>(capture: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        unsupported = true
        return Refused()
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        unsupported = true
        return Refused()
    }

    /// Takes each member as the value it is.
    struct Container<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let capture: MemberCapture
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { capture.members.append((key.stringValue, Null())) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: Float, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { capture.members.append((key.stringValue, value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            capture.unsupported = true
            return KeyedEncodingContainer(Container<NestedKey>(capture: MemberCapture()))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            capture.unsupported = true
            return Refused()
        }

        mutating func superEncoder() -> any Encoder {
            capture.unsupported = true
            return MemberCapture()
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            capture.unsupported = true
            return MemberCapture()
        }
    }

    /// A member encoded as `null`.
    struct Null: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }

    /// Where a value that is not a keyed object writes: it takes nothing and throws, and the value is encoded whole.
    struct Refused: UnkeyedEncodingContainer, SingleValueEncodingContainer {
        var codingPath: [any CodingKey] { [] }
        var count: Int { 0 }

        mutating func encodeNil() throws { throw Unsupported() }
        mutating func encode(_ value: Bool) throws { throw Unsupported() }
        mutating func encode(_ value: String) throws { throw Unsupported() }
        mutating func encode(_ value: Double) throws { throw Unsupported() }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode(_ value: Int) throws { throw Unsupported() }
        mutating func encode(_ value: Int8) throws { throw Unsupported() }
        mutating func encode(_ value: Int16) throws { throw Unsupported() }
        mutating func encode(_ value: Int32) throws { throw Unsupported() }
        mutating func encode(_ value: Int64) throws { throw Unsupported() }
        mutating func encode(_ value: UInt) throws { throw Unsupported() }
        mutating func encode(_ value: UInt8) throws { throw Unsupported() }
        mutating func encode(_ value: UInt16) throws { throw Unsupported() }
        mutating func encode(_ value: UInt32) throws { throw Unsupported() }
        mutating func encode(_ value: UInt64) throws { throw Unsupported() }
        mutating func encode<T: Encodable>(_ value: T) throws { throw Unsupported() }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Container<NestedKey>(capture: MemberCapture()))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Refused() }
        mutating func superEncoder() -> any Encoder { MemberCapture() }
    }
}

/// Where `StreamedJSON` writes: standard output in chunks (`ChunkedOutput`), or bytes kept (tests).
protocol ByteOutput {
    /// Adds bytes already encoded.
    mutating func bytes(_ bytes: [UInt8])
}

extension ChunkedOutput: ByteOutput {}
