import Foundation
import Testing

/// `tandem plan` of more resources than `PlanRenderer.parallelRenderingThreshold` (10,000): the human plan is rendered
/// on two threads, and comes out whole and in order. No network: buckets with no state need no refresh.
@Suite struct LargePlanOutputEndToEndTests {
    @Test func aPlanRenderedOnTwoThreadsHasEveryResourceOnceInOrder() async throws {
        let count = 10_051  // odd, so the halves differ in size
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-large-plan-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = (0..<count).map { String(format: "n%05d", $0) }
        try """
            providers:
              aws: {region: us-east-1, access_key: test, secret_key: test, endpoint: "http://127.0.0.1:9"}
            locals:
              names: [\(names.joined(separator: ", "))]
            resources:
              aws_s3_bucket.site:
                for_each: ${toset(local.names)}
                bucket: large-plan-${each.key}
                tags: {site: "${each.value}"}

            """.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let tandem = TandemBinary(directory: directory, environment: ProcessInfo.processInfo.environment)
        let run = try await tandem.run(["plan", "--no-color"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // Each resource's headline once, in the order of its key; then its own lines up to a blank line.
        let headlines = lines.filter { $0.hasPrefix("  # aws_s3_bucket.site[") }.map(String.init)
        #expect(headlines == names.map { "  # aws_s3_bucket.site[\"\($0)\"] will be created" })
        let headline = "  # aws_s3_bucket.site[\""
        var current: String?
        var tagsSeen = 0
        for line in lines {
            if line.hasPrefix(headline) {
                #expect(current == nil, "a resource's lines run into the next: \(line)")
                current = String(line.dropFirst(headline.count).prefix(6))
            } else if line.isEmpty {
                current = nil
            } else if let key = current, line.contains(" tags ") {
                #expect(line.hasSuffix("= { site = \"\(key)\" }"), "\(line) under \(key)")
                tagsSeen += 1
            }
        }
        #expect(tagsSeen == count)
        #expect(run.stdout.hasSuffix("Plan: \(count) to create, 0 to update, 0 to replace, 0 to delete.\n"))
    }
}
