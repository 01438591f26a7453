import Foundation
import Hummingbird
import NIOCore

/// An S3 endpoint that only lists: every bucket holds `count` keys `k/0000000`, `k/0000001`, ... of 4 KiB with one
/// ETag, generated page by page (ListObjectsV2, continuation tokens and start-after), so a listing of a million keys
/// costs this server nothing to hold. No server on this machine stores a million objects in reasonable time; the
/// client's memory is what is measured. Any other request (a HEAD of a key) answers 404.
struct GeneratedListing: Sendable {
    let count: Int

    /// Serves on 127.0.0.1 until the task is cancelled; returns the port once listening.
    func start() async throws -> (port: Int, serving: Task<Void, any Error>) {
        let router = Router()
        router.get("{bucket}") { request, context -> Response in
            let bucket = try context.parameters.require("bucket")
            let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { $1 })
            return page(bucket: bucket, query: query)
        }
        router.on("**", method: .head) { _, _ in Response(status: .notFound) }
        router.get("**") { _, _ in Response(status: .notFound) }
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in
                                          boundContinuation.yield(channel.localAddress?.port ?? 0)
                                          boundContinuation.finish()
                                      })
        let serving = Task { try await application.runService() }
        guard let port = await bound.first(where: { _ in true }) else { throw CancellationError() }
        return (port, serving)
    }

    private func page(bucket: String, query: [String: String]) -> Response {
        let prefix = query["prefix"] ?? ""
        let maxKeys = min(query["max-keys"].flatMap { Int($0) } ?? 1000, 1000)
        var first = 0
        if let token = query["continuation-token"].flatMap({ Int($0) }) {
            first = token
        } else if let after = query["start-after"], after.hasPrefix("k/"), let index = Int(after.dropFirst(2)) {
            first = index + 1
        }
        // Every key when `prefix` is a prefix of "k/" ("", "k", "k/"), none otherwise.
        let end = "k/".hasPrefix(prefix) ? count : 0
        let last = min(first + maxKeys, end)
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
        xml += "<Name>\(bucket)</Name><Prefix>\(prefix)</Prefix><KeyCount>\(max(last - first, 0))</KeyCount><MaxKeys>\(maxKeys)</MaxKeys>"
        xml += "<IsTruncated>\(last < end)</IsTruncated>"
        if last < end { xml += "<NextContinuationToken>\(last)</NextContinuationToken>" }
        for index in stride(from: first, to: last, by: 1) {
            xml += "<Contents><Key>k/\(String(format: "%07d", index))</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
            xml += "<ETag>&quot;620f0b67a91f7f74151bc5be745b7110&quot;</ETag><Size>4096</Size><StorageClass>STANDARD</StorageClass></Contents>"
        }
        xml += "</ListBucketResult>"
        return Response(status: .ok, headers: [.contentType: "application/xml"], body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
    }
}
