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

/// The ISO 8601 times S3 listings carry (`2026-12-06T21:00:00.000Z`, with or without fractional seconds).
enum S3Timestamp {
    static func parse(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
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
                                eTag: (item.childText("ETag") ?? "").replacingOccurrences(of: "\"", with: ""),
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
