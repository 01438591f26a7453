import Foundation

/// One object version or delete marker.
public struct ObjectVersionReference: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The version id; nil (or `null`) in unversioned buckets.
    public var versionID: String?
    /// A delete marker rather than a version.
    public var isDeleteMarker = false
    /// The version's size; 0 for a delete marker.
    public var size = 0
    /// The version's ETag without quotes; empty for a delete marker.
    public var eTag = ""
    /// The key's newest entry.
    public var isLatest = false
    /// When it was written.
    public var lastModified: Date?

    /// Creates a reference.
    public init(key: String, versionID: String?, isDeleteMarker: Bool = false, size: Int = 0, eTag: String = "") {
        self.key = key
        self.versionID = versionID
        self.isDeleteMarker = isDeleteMarker
        self.size = size
        self.eTag = eTag
    }
}

/// A page of ListObjectVersions: versions and delete markers, and where the next page starts.
public struct ObjectVersionPage: Sendable, Equatable {
    /// Versions and delete markers of this page.
    public var objects: [ObjectVersionReference]
    /// The key to continue from; nil on the last page.
    public var nextKeyMarker: String?
    /// The version id to continue from; nil on the last page.
    public var nextVersionIDMarker: String?
}

extension S3Client {
    /// S3's order of a version listing: keys in UTF-8 order, each key's newest entry first. moto lists a page's delete
    /// markers after its versions; this puts them back among them (the latest first, then by time, then as listed).
    static func listingOrder(_ left: (offset: Int, element: ObjectVersionReference), _ right: (offset: Int, element: ObjectVersionReference)) -> Bool {
        let (a, b) = (left.element, right.element)
        if a.key != b.key { return a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
        if a.isLatest != b.isLatest { return a.isLatest }
        if let first = a.lastModified, let second = b.lastModified, first != second { return first > second }
        return left.offset < right.offset
    }

    /// One page of object versions and delete markers under `prefix` (keys URL-encoded on the wire, decoded here): keys
    /// in UTF-8 order, each key's versions newest first.
    public func listObjectVersions(_ name: String, prefix: String? = nil, keyMarker: String?, versionIDMarker: String?,
                                   maxKeys: Int = 1000) async throws -> ObjectVersionPage {
        var query: [(name: String, value: String)] = [("versions", ""), ("encoding-type", "url"), ("max-keys", String(maxKeys))]
        if let prefix, !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let keyMarker { query.append(("key-marker", keyMarker)) }
        if let versionIDMarker { query.append(("version-id-marker", versionIDMarker)) }
        let root = try xml(try await send("ListObjectVersions", .GET, bucket: name, query: query), operation: "ListObjectVersions")
        let encoded = root.childText("EncodingType") == "url"
        func decode(_ text: String) -> String { encoded ? PercentEncoding.decode(text, plusAsSpace: true) : text }
        let objects = root.children.filter { $0.name == "Version" || $0.name == "DeleteMarker" }.compactMap { entry in
            entry.childText("Key").map {
                var reference = ObjectVersionReference(key: decode($0), versionID: entry.childText("VersionId"), isDeleteMarker: entry.name == "DeleteMarker",
                                                       size: entry.childText("Size").flatMap { Int($0) } ?? 0,
                                                       eTag: S3Client.unquoted(eTag: entry.childText("ETag") ?? ""))
                reference.isLatest = entry.childText("IsLatest") == "true"
                reference.lastModified = entry.childText("LastModified").flatMap(S3Timestamp.parse)
                return reference
            }
        }.enumerated().sorted(by: Self.listingOrder).map(\.element)
        let truncated = root.childText("IsTruncated") == "true"
        return ObjectVersionPage(objects: objects, nextKeyMarker: truncated ? root.childText("NextKeyMarker").map(decode) : nil,
                                 nextVersionIDMarker: truncated ? root.childText("NextVersionIdMarker") : nil)
    }

    /// Deletes up to 1,000 versions in one request (quiet mode); returns `key: Code Message` for each that failed.
    public func deleteObjects(_ name: String, _ objects: [ObjectVersionReference]) async throws -> [String] {
        let entries = objects.map { object in
            XMLNode("Object", children: [XMLNode("Key", text: object.key)] + (object.versionID.map { [XMLNode("VersionId", text: $0)] } ?? []))
        }
        let body = XMLNode("Delete", attributes: ["xmlns": XMLNode.s3Namespace], children: [XMLNode("Quiet", text: "true")] + entries)
        let root = try xml(try await send("DeleteObjects", .POST, bucket: name, query: [("delete", "")], xml: body), operation: "DeleteObjects")
        return root.children(named: "Error").map { "\($0.childText("Key") ?? "?"): \($0.childText("Code") ?? "") \($0.childText("Message") ?? "")" }
    }
}
