import Foundation
import Testing
@testable import TandemCLI

/// `StreamedJSON` writes the bytes `JSONEncoder` (`.prettyPrinted`, `.sortedKeys`, `.withoutEscapingSlashes`) writes
/// for the whole value, whatever the value's shape: members streamed, members encoded whole, values that fall back
/// to one `JSONEncoder` call, and large members split into blocks for two threads.
@Suite struct StreamedJSONTests {
    /// Bytes kept instead of written to stdout.
    struct Kept: ByteOutput {
        var all: [UInt8] = []
        mutating func bytes(_ bytes: [UInt8]) { all += bytes }
    }

    private func streamed<T: Encodable & Sendable>(_ value: T) throws -> String {
        var output = Kept()
        try StreamedJSON().write(value, to: &output)
        return String(decoding: output.all, as: UTF8.self)
    }

    private func encodedWhole<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    struct Item: Codable, Sendable, Equatable {
        var name: String
        var size: Double
        var tags: [String: String]
    }

    /// Members of every kind: scalars, escapes, an explicit null, an absent optional, arrays and dictionaries (empty
    /// and not), a nested object, and a dictionary with integer keys (an object with string keys to `JSONEncoder`).
    struct Document: Encodable, Sendable {
        var count = 3
        var text = "quo\"te / slash \\ back\ttab\nline ünï ✓"
        var ratio = 0.1
        var flag = true
        var missing: String? = nil
        var items = [Item(name: "b", size: 1, tags: [:]), Item(name: "a", size: 2.5, tags: ["Z": "1", "a10": "2", "a9": "3"])]
        var byKey = ["b": 1, "a10": 2, "a9": 3, "Z": 4, "é": 5, "_": 6]
        var emptyList: [Int] = []
        var emptyMap: [String: Int] = [:]
        var nested = Item(name: "n", size: 0, tags: ["k": "v"])
        var byNumber = [10: "ten", 9: "nine"]

        enum CodingKeys: String, CodingKey {
            case count, text, ratio, flag, missing, items, byKey = "by_key", emptyList = "empty_list", emptyMap = "empty_map"
            case nested, byNumber = "by_number", null = "explicit_null"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count, forKey: .count)
            try container.encode(text, forKey: .text)
            try container.encode(ratio, forKey: .ratio)
            try container.encode(flag, forKey: .flag)
            try container.encodeIfPresent(missing, forKey: .missing)
            try container.encode(items, forKey: .items)
            try container.encode(byKey, forKey: .byKey)
            try container.encode(emptyList, forKey: .emptyList)
            try container.encode(emptyMap, forKey: .emptyMap)
            try container.encode(nested, forKey: .nested)
            try container.encode(byNumber, forKey: .byNumber)
            try container.encodeNil(forKey: .null)
        }
    }

    @Test func membersOfEveryKind() throws {
        #expect(try streamed(Document()) == encodedWhole(Document()))
    }

    @Test func topLevelsThatAreNotObjectsAndEmptyObjects() throws {
        #expect(try streamed([Item(name: "x", size: 1, tags: [:])]) == encodedWhole([Item(name: "x", size: 1, tags: [:])]))
        #expect(try streamed("scalar / text") == encodedWhole("scalar / text"))
        #expect(try streamed(42) == encodedWhole(42))
        #expect(try streamed([String: Int]()) == encodedWhole([String: Int]()))
        #expect(try streamed(["only": [Int]()]) == encodedWhole(["only": [Int]()]))
    }

    /// A type that writes a key twice (the last value counts) and one that opens a nested container at its top level
    /// (the whole value is encoded at once).
    struct Awkward: Encodable, Sendable {
        enum Keys: String, CodingKey { case a, b, c }
        var nests: Bool

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .a)
            try container.encode([1, 2], forKey: .b)
            try container.encode(3, forKey: .a)
            if nests {
                var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .c)
                try inner.encode("x", forKey: .a)
            }
        }
    }

    @Test func repeatedKeysAndNestedContainers() throws {
        #expect(try streamed(Awkward(nests: false)) == encodedWhole(Awkward(nests: false)))
        #expect(try streamed(Awkward(nests: true)) == encodedWhole(Awkward(nests: true)))
    }

    /// Large members go to two threads in rounds of two 256-item blocks: a count at the threshold, a last round that
    /// is full, one that leaves the second thread nothing, and one that ends inside the second block.
    @Test(arguments: [10_000, 10_240, 10_241, 10_512, 10_700])
    func largeMembersOnTwoThreads(count: Int) throws {
        struct Large: Encodable, Sendable {
            var items: [Item]
            var byName: [String: Int]
            var title = "large"
        }
        let items = (0..<count).map { Item(name: "item-\($0)", size: Double($0) / 4, tags: $0 % 3 == 0 ? [:] : ["i": "\($0)"]) }
        let value = Large(items: items, byName: Dictionary(uniqueKeysWithValues: (0..<count).map { ("key-\($0)", $0) }))
        #expect(count >= StreamedJSON.parallelEncodingThreshold)
        #expect(try streamed(value) == encodedWhole(value))
    }

    /// An item that cannot be encoded fails the write, on either thread.
    @Test func anItemThatCannotBeEncodedFailsTheWrite() throws {
        struct Numbers: Encodable, Sendable { var values: [Double] }
        var values = Array(repeating: 1.0, count: 10_300)
        values[10_000] = .infinity  // in the second block of a round (items 9,984-10,239)
        #expect(throws: EncodingError.self) { try streamed(Numbers(values: values)) }
        #expect(throws: EncodingError.self) { try streamed(Numbers(values: [1, .nan])) }
    }
}
