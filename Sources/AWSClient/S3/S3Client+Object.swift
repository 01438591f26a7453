import Foundation
import NIOCore
import NIOHTTP1

/// One object of a listing.
public struct ListedObject: Sendable, Equatable {
    /// The key.
    public var key: String
    /// Size in bytes.
    public var size: Int
    /// The ETag without quotes.
    public var eTag: String
    /// When the object was last written, when the listing said.
    public var lastModified: Date?

    /// Creates an entry.
    public init(key: String, size: Int, eTag: String, lastModified: Date? = nil) {
        self.key = key
        self.size = size
        self.eTag = eTag
        self.lastModified = lastModified
    }
}

/// The ISO 8601 UTC times S3 listings carry (`2026-12-06T21:00:00.000Z`, fractional seconds optional), parsed by
/// hand: Foundation's date formatters load ICU's data, tens of MiB of resident memory a copy process does not need.
enum S3Timestamp {
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes.last == UInt8(ascii: "Z"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            guard bytes.count > 21, bytes.count <= 30, bytes[19] == UInt8(ascii: "."), let digits = number(20..<(bytes.count - 1)) else { return nil }
            fraction = Double(digits) / pow(10, Double(bytes.count - 21))
        }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second) + fraction)
    }
}

/// A page of a listing and where the next one starts.
public struct ObjectListPage: Sendable, Equatable {
    /// The objects, in key order.
    public var objects: [ListedObject]
    /// The token for the next page; nil on the last.
    public var nextContinuationToken: String?
}

extension S3Client {
    /// Uploads a small object in one request (the body is held in memory and signed).
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String?) async throws {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "content-type", value: contentType) }
        try await send("PutObject", .PUT, bucket: bucket, key: key, headers: headers, body: ByteBuffer(bytes: body), objectData: true)
    }

    /// Every key in the bucket, in S3's (UTF-8 binary) order, following ListObjectsV2 continuation tokens.
    /// Memory grows with the number of keys: meant for tests and emptiness checks (see `listObjectsPage`).
    public func listObjectKeys(bucket: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            let page = try await listObjectsPage(bucket: bucket, continuationToken: token)
            keys += page.objects.map(\.key)
            token = page.nextContinuationToken
        } while token != nil
        return keys
    }

    /// One page of ListObjectsV2 (up to `maxKeys` objects in UTF-8 binary key order) and where the next starts.
    public func listObjectsPage(bucket: String, prefix: String? = nil, continuationToken: String?, maxKeys: Int = 1000) async throws -> ObjectListPage {
        // `encoding-type=url` keeps keys with characters XML cannot carry intact.
        var query: [(name: String, value: String)] = [("list-type", "2"), ("encoding-type", "url"), ("max-keys", String(maxKeys))]
        if let prefix { query.append(("prefix", prefix)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        let root = try xml(try await send("ListObjectsV2", .GET, bucket: bucket, query: query), operation: "ListObjectsV2")
        let encoded = root.childText("EncodingType") == "url"
        let objects = root.children(named: "Contents").compactMap { item -> ListedObject? in
            guard let key = item.childText("Key") else { return nil }
            return ListedObject(key: encoded ? PercentEncoding.decode(key, plusAsSpace: true) : key, size: Int(item.childText("Size") ?? "") ?? 0,
                                eTag: S3Client.unquoted(eTag: item.childText("ETag") ?? ""),
                                lastModified: item.childText("LastModified").flatMap(S3Timestamp.parse))
        }
        let truncated = root.childText("IsTruncated") == "true"
        guard !truncated || root.childText("NextContinuationToken")?.isEmpty == false else {
            throw AWSClientError(.invalidResponse, "S3 ListObjectsV2: the listing is truncated but names no NextContinuationToken")
        }
        return ObjectListPage(objects: objects, nextContinuationToken: truncated ? root.childText("NextContinuationToken") : nil)
    }

    /// Deletes one object, or one version of it (succeeds when the key does not exist, as S3 does).
    public func deleteObject(bucket: String, key: String, versionID: String? = nil) async throws {
        try await send("DeleteObject", .DELETE, bucket: bucket, key: key, query: versionID.map { [("versionId", $0)] } ?? [])
    }
}
