import AWSClient
import Foundation

/// What the replicator tests count on a target bucket.
extension S3Client {
    /// How many versions each key of `bucket` has (a versioned target shows a key written twice).
    func versionCounts(_ bucket: String) async throws -> [String: Int] {
        var versions: [String: Int] = [:]
        var keyMarker: String?, versionMarker: String?
        repeat {
            let page = try await listObjectVersions(bucket, keyMarker: keyMarker, versionIDMarker: versionMarker)
            for version in page.objects { versions[version.key, default: 0] += 1 }
            (keyMarker, versionMarker) = (page.nextKeyMarker, page.nextVersionIDMarker)
        } while keyMarker != nil
        return versions
    }

    /// Polls every 0.1 s until `bucket` lists at least `count` keys or `seconds` pass; returns the last count.
    func waitForKeys(_ bucket: String, atLeast count: Int, seconds: Int) async throws -> Int {
        var now = 0
        for _ in 0..<(seconds * 10) {
            now = try await listObjectKeys(bucket: bucket).count
            if now >= count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return now
    }
}
