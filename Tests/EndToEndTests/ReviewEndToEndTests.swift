import AWSClient
import Foundation
import Testing
import TandemTesting

/// `tandem review` on real git repositories (made with the git CLI) and moto: the stacks a change affects (directly,
/// through a module two calls deep, through a file read with file(), by a rename), the risky items, review.md against
/// a golden file, parts split under GitHub's limit, and `tandem apply PLANFILE` refusing another commit or a dirty tree.
@Suite(.serialized) struct ReviewEndToEndTests {
    static let prodStack = """
        providers:
          aws: {region: eu-west-1}
        modules:
          queue:
            source: ../../modules/queue
            inputs: {name: review-prod}
        resources:
          aws_s3_bucket.data:
            bucket: review-prod-data
            versioning: Enabled
            policy: ${jsondecode(file("../../shared/policy.json"))}
          aws_sqs_queue.extra:
            name: review-prod-extra
        """
    static let stagingStack = """
        providers:
          aws: {region: eu-west-1}
        modules:
          queue:
            source: ../../modules/queue
            inputs: {name: review-staging}
        """
    static let otherStack = """
        providers:
          aws: {region: eu-west-1}
        resources:
          aws_sqs_queue.other:
            name: review-other
            tags: {team: archive}
        """
    static let lonelyStack = """
        providers:
          aws: {region: eu-west-1}
        resources:
          aws_sqs_queue.lonely:
            name: review-lonely
        """
    static let queueModule = """
        variables:
          name: {type: string}
        modules:
          dlq:
            source: ../dlq
            inputs: {name: "${var.name}-dlq"}
        resources:
          aws_sqs_queue.main:
            name: ${var.name}
        """
    static func dlqModule(retention: Int) -> String {
        """
        variables:
          name: {type: string}
        resources:
          aws_sqs_queue.dlq:
            name: ${var.name}
            message_retention_seconds: \(retention)
        """
    }
    static func policy(action: String) -> String {
        """
        {"Version": "2012-10-17", "Statement": [{"Sid": "Readers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
          "Action": "\(action)", "Resource": "arn:aws:s3:::review-prod-data/*"}]}
        """
    }

    /// The repository: four stacks, two modules (queue calls dlq), a shared file, state ignored.
    private func repository() async throws -> GitFixture {
        let git = try await GitFixture.make()
        try await git.commit("base", [
            ".gitignore": "state/\n.tandem/\nreview/\n",
            "stacks/prod/main.tandem.yaml": Self.prodStack, "stacks/staging/main.tandem.yaml": Self.stagingStack,
            "stacks/other/main.tandem.yaml": Self.otherStack, "stacks/lonely/main.tandem.yaml": Self.lonelyStack,
            "modules/queue/main.tandem.yaml": Self.queueModule, "modules/dlq/main.tandem.yaml": Self.dlqModule(retention: 345600),
            "shared/policy.json": Self.policy(action: "s3:GetObject"), "docs/README.md": "notes\n",
        ])
        return git
    }

    /// The feature branch: the inner module changes, the shared policy loosens, prod suspends versioning and drops a
    /// queue, `other` moves to `archive`, the docs change.
    private func featureBranch(_ git: GitFixture) async throws -> String {
        try await git.git("checkout", "-q", "-b", "feature")
        // Moved as a CI checkout sees it (git mv would carry the ignored local state along on this disk).
        try await git.git("rm", "-q", "stacks/other/main.tandem.yaml")
        try git.write(["stacks/archive/main.tandem.yaml": Self.otherStack])
        let prod = Self.prodStack.replacingOccurrences(of: "versioning: Enabled", with: "versioning: Suspended")
            .replacingOccurrences(of: "  aws_sqs_queue.extra:\n    name: review-prod-extra", with: "")
        let commit = try await git.commit("feature", [
            "modules/dlq/main.tandem.yaml": Self.dlqModule(retention: 1209600), "shared/policy.json": Self.policy(action: "s3:*"),
            "stacks/prod/main.tandem.yaml": prod, "docs/README.md": "more notes\n",
        ])
        try await git.git("checkout", "-q", "main")
        return commit
    }

    private func tandem(_ moto: MotoServer, in git: GitFixture) throws -> TandemBinary {
        let workspace = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
        try FileManager.default.removeItem(atPath: workspace.directory)
        var environment = workspace.environment
        environment["AWS_REGION"] = "eu-west-1"
        return TandemBinary(directory: git.root, environment: environment)
    }

    @Test func reviewFindsTheAffectedStacksAndWritesTheGoldenReview() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let git = try await repository()
            defer { git.remove() }
            let tandem = try tandem(moto, in: git)
            for stack in ["prod", "staging", "other"] {
                let applied = try await tandem.run(["apply", "--auto-approve", "--dir", "stacks/\(stack)"])
                #expect(applied.exitCode == 0, "\(stack): \(applied.stdout)\n\(applied.stderr)")
            }
            let feature = try await featureBranch(git)

            // main stays checked out: --ref plans the feature branch straight from the repository.
            let review = try await tandem.run(["review", "--ref", "feature", "--detailed-exitcode"])
            #expect(review.exitCode == 2, "\(review.stdout)\n\(review.stderr)")
            #expect(try await git.git("rev-parse", "HEAD") != feature, "the working tree was not switched")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: git.root + "/review/review.json"))) as? [String: Any])
            #expect(json["format_version"] as? Int == 1)
            #expect(json["head"] as? String == feature)
            let stacks = json["stacks"] as? [[String: Any]] ?? []
            #expect(stacks.compactMap { $0["path"] as? String } == ["stacks/archive", "stacks/prod", "stacks/staging"],
                    "lonely is unaffected; staging only through modules/queue -> modules/dlq: \(stacks.map { $0["path"] ?? "" })")
            let reasons = Dictionary(uniqueKeysWithValues: stacks.map { ($0["path"] as? String ?? "", $0["reasons"] as? [String] ?? []) })
            #expect(reasons["stacks/staging"] == ["module modules/dlq changed (modules/dlq/main.tandem.yaml)"])
            #expect(reasons["stacks/prod"]?.contains("reads shared/policy.json, which changed") == true)
            #expect(reasons["stacks/archive"]?.first == "renamed from stacks/other")
            #expect((json["removed_stacks"] as? [[String: Any]])?.first?["renamed_to"] as? String == "stacks/archive")
            let prodRisks = (stacks.first { $0["path"] as? String == "stacks/prod" }?["risks"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(Set(prodRisks) == ["delete", "versioning_disabled", "policy_loosened"], "\(prodRisks)")

            let markdown = try String(contentsOfFile: git.root + "/review/review.md", encoding: .utf8)
            try GoldenFile.check(markdown.replacingOccurrences(of: moto.endpoint, with: "http://MOTO"), name: "review.md")
            #expect(FileManager.default.fileExists(atPath: git.root + "/review/plans/stacks__prod.plan.json"))
            let mode = try FileManager.default.attributesOfItem(atPath: git.root + "/review/plans/stacks__prod.plan.json")[.posixPermissions] as? Int
            #expect(mode == 0o600)

            // apply PLANFILE: refused on another commit, on a dirty tree, accepted with --allow-dirty, and once clean.
            let plan = "review/plans/stacks__prod.plan.json"
            let otherCommit = try await tandem.run(["apply", "--dir", "stacks/prod", plan])
            #expect(otherCommit.exitCode == 1)
            #expect(otherCommit.stderr.contains("The plan was made from another commit"), "\(otherCommit.stderr)")
            try await git.git("checkout", "-q", "feature")
            // Reformatted: the file differs from the commit, the policy it holds does not.
            try git.write(["shared/policy.json": "\n" + Self.policy(action: "s3:*") + "\n\n"])
            let dirty = try await tandem.run(["apply", "--dir", "stacks/prod", plan])
            #expect(dirty.exitCode == 1)
            #expect(dirty.stderr.contains("shared/policy.json changed since"), "\(dirty.stderr)")
            let wrongStack = try await tandem.run(["apply", "--dir", "stacks/staging", plan])
            #expect(wrongStack.stderr.contains("The plan is for another stack"), "\(wrongStack.stderr)")
            let allowed = try await tandem.run(["apply", "--allow-dirty", "--dir", "stacks/prod", plan])
            #expect(allowed.exitCode == 0, "\(allowed.stdout)\n\(allowed.stderr)")
            try await git.git("checkout", "--", "shared/policy.json")
            try git.write(["stacks/staging/notes.txt": "untracked notes do not count\n"])
            let staging = try await tandem.run(["apply", "--dir", "stacks/staging", "review/plans/stacks__staging.plan.json"])
            #expect(staging.exitCode == 0, "\(staging.stdout)\n\(staging.stderr)")
            let sqs = SQSClient(configuration: moto.configuration(region: "eu-west-1"), transport: moto.transport)
            #expect(try await sqs.queueURL(name: "review-prod-extra") == nil, "the reviewed delete was applied")
        }
    }

    @Test func aLargeReviewIsSplitUnderGitHubsCommentLimit() async throws {
        let moto = try await MotoServer.shared()
        let git = try await GitFixture.make()
        defer { git.remove() }
        try await git.commit("base", ["README": "x\n"])
        try await git.git("checkout", "-q", "-b", "big")
        let names = (0..<700).map { "\"review-big-\($0)\"" }.joined(separator: ", ")
        try await git.commit("many queues", ["big/main.tandem.yaml": """
            variables:
              names: {default: [\(names)]}
            providers:
              aws: {region: eu-west-1}
            resources:
              aws_sqs_queue.q:
                for_each: ${toset(var.names)}
                name: ${each.key}
                visibility_timeout_seconds: 60
                tags: {owner: "a team with a long name", purpose: "to fill a review past one comment"}
            """])
        let tandem = try tandem(moto, in: git)
        let review = try await tandem.run(["review", "--base", "main"])
        #expect(review.exitCode == 0, "\(review.stdout)\n\(review.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: git.root + "/review/review.json"))) as? [String: Any])
        let parts = json["markdown_parts"] as? [String] ?? []
        #expect(parts.count >= 2, "\(parts)")
        for part in parts {
            let text = try String(contentsOfFile: git.root + "/review/" + part, encoding: .utf8)
            #expect(text.count <= 65_000, "\(part) has \(text.count) characters")
        }
        let first = try String(contentsOfFile: git.root + "/review/review.md", encoding: .utf8)
        #expect(first.hasPrefix("## Tandem review"))
        #expect(first.contains("| `big` | 700 | 0 | 0 | 0 | 0 | changes |"))
        let all = try parts.map { try String(contentsOfFile: git.root + "/review/" + $0, encoding: .utf8) }.joined()
        #expect((0..<700).allSatisfy { all.contains("+ aws_sqs_queue.q[\"review-big-\($0)\"]") }, "every create is in some part")
    }

    @Test func aRootStackAndADeletedModule() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let git = try await GitFixture.make()
            defer { git.remove() }
            let root = """
                providers:
                  aws: {region: eu-west-1}
                resources:
                  aws_sqs_queue.root: {name: review-root}
                """
            try await git.commit("base", [".gitignore": "state/\nreview/\n", "main.tandem.yaml": root, "docs/notes.md": "a\n",
                                          "app/main.tandem.yaml": "providers:\n  aws: {region: eu-west-1}\nmodules:\n  q: {source: ../mods/q}\n",
                                          "mods/q/main.tandem.yaml": "resources:\n  aws_sqs_queue.q: {name: review-module}\n"])
            try await git.git("checkout", "-q", "-b", "change")
            try await git.git("rm", "-q", "-r", "mods")
            let head = try await git.commit("root queue renamed, module deleted", ["main.tandem.yaml": root.replacingOccurrences(of: "review-root", with: "review-root-2")])
            let tandem = try tandem(moto, in: git)
            let review = try await tandem.run(["review", "--base", "main"])
            #expect(review.exitCode == 1, "the stack calling the deleted module cannot be planned: \(review.stdout)\n\(review.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: git.root + "/review/review.json"))) as? [String: Any])
            let stacks = json["stacks"] as? [[String: Any]] ?? []
            #expect(stacks.compactMap { $0["path"] as? String } == [".", "app"], "\(stacks)")
            #expect((stacks.last?["reasons"] as? [String]) == ["module mods/q changed (mods/q/main.tandem.yaml)"])
            #expect(stacks.last?["status"] as? String == "failed" && stacks.first?["status"] as? String == "planned")
            #expect(try await git.git("rev-parse", "HEAD") == head)

            // The root stack's plan: a change elsewhere in the repository does not make it dirty, its own file does.
            try git.write(["docs/notes.md": "edited\n"])
            let elsewhere = try await tandem.run(["apply", "review/plans/root.plan.json"])
            #expect(elsewhere.exitCode == 0, "\(elsewhere.stdout)\n\(elsewhere.stderr)")
            let again = try await tandem.run(["review", "--base", "main"])
            #expect(again.exitCode == 1)
            try git.write(["main.tandem.yaml": root + "\n# edited\n"])
            let dirty = try await tandem.run(["apply", "review/plans/root.plan.json"])
            #expect(dirty.exitCode == 1 && dirty.stderr.contains("main.tandem.yaml changed since"), "\(dirty.stderr)")
        }
    }
}
