import AWSClient
import ChildProcess
import Foundation
import Testing
import TandemTesting

/// `examples/ci`: the pull-request job (`review.sh`) and the merge job (`apply.sh`) run in a CI clone of a real git
/// remote, with the state in an S3 backend on moto shared with the developer's workstation.
@Suite(.serialized) struct CIExampleEndToEndTests {
    private static func stack(_ moto: MotoServer, queues: [String]) -> String {
        """
        backend: {s3: {bucket: ci-state, key: stacks/app.json, endpoint: "\(moto.endpoint)", region: us-east-1}}
        providers:
          aws: {region: us-east-1}
        resources:
        \(queues.map { "  aws_sqs_queue.\($0): {name: ci-\($0)}" }.joined(separator: "\n"))
        """
    }

    private func script(_ name: String, in clone: GitFixture, environment: [String: String]) async throws -> (status: Int32, output: String, errors: String) {
        let outcome = try await ChildProcess.run(["bash", TandemBinary.repositoryRoot + "/examples/ci/" + name], environment: environment,
                                                 workingDirectory: clone.root, timeout: .seconds(300))
        return (outcome.status, String(decoding: outcome.standardOutput, as: UTF8.self), outcome.standardError)
    }

    @Test func theMergeJobAppliesExactlyThePlanThePullRequestReviewed() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("ci-state", locationConstraint: nil)
            let sqs = SQSClient(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)

            // The remote, and a developer who applies the first version from a workstation.
            let origin = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-origin-\(UUID())").path
            let developer = try await GitFixture.make()
            let store = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-plans-\(UUID())").path
            defer {
                developer.remove()
                for path in [origin, store, origin + "-ci"] { try? FileManager.default.removeItem(atPath: path) }
            }
            try await developer.git("init", "-q", "--bare", "-b", "main", origin)
            try await developer.git("remote", "add", "origin", origin)
            try await developer.commit("app", ["stacks/app/main.tandem.yaml": Self.stack(moto, queues: ["first"]), ".gitignore": ".tandem/\n"])
            try await developer.git("push", "-q", "origin", "main")
            let workspace = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            try FileManager.default.removeItem(atPath: workspace.directory)
            var environment = workspace.environment
            environment["AWS_REGION"] = "us-east-1"
            let workstation = TandemBinary(directory: developer.root, environment: environment)
            let first = try await workstation.run(["apply", "--auto-approve", "--dir", "stacks/app"])
            #expect(first.exitCode == 0, "\(first.stdout)\n\(first.stderr)")

            // A pull request adds a queue.
            try await developer.git("checkout", "-q", "-b", "add-queue")
            let reviewed = try await developer.commit("add a queue", ["stacks/app/main.tandem.yaml": Self.stack(moto, queues: ["first", "second"])])
            try await developer.git("push", "-q", "origin", "add-queue")

            // The CI clone runs the pull-request job on the branch's head.
            try await developer.git("clone", "-q", origin, origin + "-ci")
            let ci = GitFixture(root: origin + "-ci")
            try await ci.git("checkout", "-q", "--detach", "origin/add-queue")
            var jobEnvironment = environment
            jobEnvironment["TANDEM"] = TandemBinary.path
            jobEnvironment["PLAN_STORE"] = store
            let review = try await script("review.sh", in: ci, environment: jobEnvironment)
            #expect(review.status == 2, "changes to apply: \(review.output)\n\(review.errors)")
            #expect(review.output.contains("## Tandem review") && review.output.contains("| `stacks/app` | 1 | 0 | 0 | 0 | 0 | changes |"),
                    "the comment posted: \(review.output)")
            #expect(FileManager.default.fileExists(atPath: "\(store)/\(reviewed)/plans/stacks__app.plan.json"))
            #expect(try await sqs.queueURL(name: "ci-second") == nil, "review applies nothing")

            // Before the merge, the merge job refuses.
            try await ci.git("checkout", "-q", "origin/main")
            jobEnvironment["REVIEWED_COMMIT"] = reviewed
            let early = try await script("apply.sh", in: ci, environment: jobEnvironment)
            #expect(early.status == 1 && early.errors.contains("is not merged into main"), "\(early.errors)")

            // The pull request merges with a merge commit; the merge job applies the reviewed plan.
            try await developer.git("checkout", "-q", "main")
            try await developer.git("merge", "-q", "--no-ff", "-m", "merge add-queue", "add-queue")
            try await developer.git("push", "-q", "origin", "main")
            try await ci.git("fetch", "-q", "origin")
            try await ci.git("checkout", "-q", "--detach", "origin/main")
            let apply = try await script("apply.sh", in: ci, environment: jobEnvironment)
            #expect(apply.status == 0, "\(apply.output)\n\(apply.errors)")
            #expect(try await sqs.queueURL(name: "ci-second") != nil)
            #expect(try await ci.git("rev-parse", "HEAD") == reviewed, "the reviewed commit was applied")

            // The same plan is single-use: running the merge job again is refused, nothing changes.
            let again = try await script("apply.sh", in: ci, environment: jobEnvironment)
            #expect(again.status != 0 && again.output.contains("already applied") || again.errors.contains("already applied"), "\(again.output)\n\(again.errors)")
        }
    }
}
