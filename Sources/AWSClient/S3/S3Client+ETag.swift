extension S3Client {
    /// `eTag` without its quotes (S3 writes `"…"` in headers and listings). Done on the bytes: Foundation's
    /// `replacingOccurrences` bridged every ETag to NSString, a noticeable part of copying a small object.
    public static func unquoted(eTag: String) -> String {
        let quote = UInt8(ascii: "\"")
        guard eTag.utf8.contains(quote) else { return eTag }
        return String(decoding: eTag.utf8.filter { $0 != quote }, as: UTF8.self)
    }
}
