/// One object version or delete marker.
public struct ObjectVersionReference: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The version id; nil (or `null`) in unversioned buckets.
    public var versionID: String?

    /// Creates a reference.
    public init(key: String, versionID: String?) {
        self.key = key
        self.versionID = versionID
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
    /// One page of object versions and delete markers (keys URL-encoded on the wire, decoded here).
    public func listObjectVersions(_ name: String, keyMarker: String?, versionIDMarker: String?, maxKeys: Int = 1000) async throws -> ObjectVersionPage {
        var query: [(name: String, value: String)] = [("versions", ""), ("encoding-type", "url"), ("max-keys", String(maxKeys))]
        if let keyMarker { query.append(("key-marker", keyMarker)) }
        if let versionIDMarker { query.append(("version-id-marker", versionIDMarker)) }
        let root = try xml(try await send("ListObjectVersions", .GET, bucket: name, query: query), operation: "ListObjectVersions")
        let encoded = root.childText("EncodingType") == "url"
        func decode(_ text: String) -> String { encoded ? PercentEncoding.decode(text, plusAsSpace: true) : text }
        let objects = root.children.filter { $0.name == "Version" || $0.name == "DeleteMarker" }.compactMap { entry in
            entry.childText("Key").map { ObjectVersionReference(key: decode($0), versionID: entry.childText("VersionId")) }
        }
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
