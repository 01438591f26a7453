import AWSClient
import Foundation
import Testing
import TandemTesting

/// The built `tandem apply` killed with SIGKILL while it creates 40 buckets and 40 queues on moto: no object is
/// ever forgotten, the next command records what the killed one made, and apply then destroy leave nothing behind.
@Suite(.serialized) struct InterruptedApplyEndToEndTests {
    private static let names = (0..<40).map { String(format: "k%02d", $0) }

    private static let configuration = """
        variables:
          names: {default: [\(names.map { "\"\($0)\"" }.joined(separator: ", "))]}
        providers:
          aws: {region: af-south-1}
        resources:
          aws_s3_bucket.store:
            for_each: ${toset(var.names)}
            bucket: interrupted-${each.key}
            versioning: Enabled
            tags: {site: "${each.key}"}
          aws_sqs_queue.events:
            for_each: ${toset(var.names)}
            name: interrupted-${each.key}
            visibility_timeout_seconds: 120
            tags: {site: "${each.key}"}
        """

    /// A workspace for moto holding `configuration`.
    private func workspace(_ moto: MotoServer, configuration: String) throws -> TandemBinary {
        let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
        try configuration.write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        return tandem
    }

    /// Starts `tandem apply`, and kills it with SIGKILL once it has started `share` of the creates its plan counts
    /// (at least one; 0: while planning).
    private func killApply(_ tandem: TandemBinary, afterStartingShareOfCreates share: Double) async throws -> (output: String, killed: Bool) {
        try await stopApply(tandem, afterStartingCreates: { planned in share == 0 ? 0 : max(1, Int(Double(planned) * share)) }, signals: [SIGKILL])
    }

    /// Starts `tandem apply` and sends `signals` once it has started `creates(planned)` creates, `planned` being the
    /// creates its plan counts (0: while planning); whether the process then died of SIGKILL or exited 130 (a second
    /// Ctrl-C). Kill points relative to what is left keep every round killed with creates still to do, however many
    /// creates start between two looks at the output.
    private func stopApply(_ tandem: TandemBinary, afterStartingCreates creates: @escaping @Sendable (Int) -> Int, signals: [Int32]) async throws -> (output: String, killed: Bool) {
        let (output, run) = try await tandem.withRunning(["apply", "--auto-approve", "--parallelism", "10"]) { apply in
            try await apply.closeInput()
            let deadline = ContinuousClock.now + .seconds(600)
            var output = ""
            while !apply.hasExited, ContinuousClock.now < deadline {
                output = String(decoding: apply.standardOutput, as: UTF8.self)
                guard let planned = Self.plannedCreates(output) else {
                    // Also every 2 ms: a late round's few creates left can be planned, started and finished within
                    // 20 ms (a CI run saw no output at one look and the apply gone at the next).
                    try await Task.sleep(for: .milliseconds(2))
                    continue
                }
                let target = creates(planned)
                if target == 0 || output.components(separatedBy: ": Creating...").count - 1 >= target { break }
                // Looked at every 2 ms: the last creates on moto can all start and finish within 20 ms (a CI run saw
                // 6 of 42 started at one look and the apply gone at the next).
                try await Task.sleep(for: .milliseconds(2))
            }
            for signal in signals {
                apply.send(signal: signal)
                try await Task.sleep(for: .milliseconds(50))
            }
            return output
        }
        // 128 + 9: ended by SIGKILL; tandem itself exits 130 on a second Ctrl-C.
        return (output, run.exitCode == 128 + SIGKILL || run.exitCode == 130)
    }

    /// The creates counted by the plan's summary line (`Plan: N to create, ...`), once it is printed.
    private static func plannedCreates(_ output: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Plan: ") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    /// Removes the lock a killed command left, as a user would, with `tandem force-unlock ID`.
    private func forceUnlock(_ tandem: TandemBinary) async throws {
        let lockPath = tandem.directory + "/state/default.json.lock"
        guard let data = FileManager.default.contents(atPath: lockPath) else { return }
        let id = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["id"] as? String)
        let unlocked = try await tandem.run(["force-unlock", id])
        #expect(unlocked.exitCode == 0, "\(unlocked.stderr)")
    }

    /// Bucket and queue names recorded in the state file (`bucket` / `name` attributes), and its pending creates.
    private func recorded(_ tandem: TandemBinary) throws -> (buckets: Set<String>, queues: Set<String>, pending: Int) {
        guard let data = FileManager.default.contents(atPath: tandem.directory + "/state/default.json") else { return ([], [], 0) }
        let state = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let resources = state?["resources"] as? [[String: Any]] ?? []
        func names(_ type: String, _ attribute: String) -> Set<String> {
            Set(resources.filter { ($0["address"] as? String)?.hasPrefix(type + "[") == true }
                .compactMap { ($0["attributes"] as? [String: Any])?[attribute] as? String })
        }
        return (names("aws_s3_bucket.store", "bucket"), names("aws_sqs_queue.events", "name"), (state?["pending_creates"] as? [Any])?.count ?? 0)
    }

    /// The buckets and queues of this configuration that exist on moto.
    private func live(_ moto: MotoServer) async throws -> (buckets: Set<String>, queues: Set<String>) {
        let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
        let sqs = SQSClient(configuration: moto.configuration(), transport: moto.transport)
        var buckets: Set<String> = [], queues: Set<String> = []
        for name in Self.names.map({ "interrupted-\($0)" }) {
            if try await s3.bucketExists(name) { buckets.insert(name) }
            if try await sqs.queueURL(name: name) != nil { queues.insert(name) }
        }
        return (buckets, queues)
    }

    @Test func sigkillAtAnyPointLeavesNoOrphanAndApplyThenDestroyFinish() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try workspace(moto, configuration: Self.configuration)
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            // Kill points follow the apply's own progress, so they spread over its run time on any machine: while
            // planning, at the first create, then after a quarter, a third and half of the creates left started.
            var roundsAfterFinishedCreates = 0, adoptedNotices = 0
            for creates in [0, 0.01, 0.25, 0.34, 0.5] {
                let (output, killed) = try await killApply(tandem, afterStartingShareOfCreates: creates)
                #expect(killed, "the apply ended before the kill after \(creates) of its creates:\n\(output)")
                // More creates started than run at once (--parallelism 10): some had finished, so their records are in
                // the journal, which only the end of the apply (or the next command) folds into the state. (Fewer may
                // all still be before their intent: a bucket's is recorded once the name is found free.)
                let started = output.components(separatedBy: ": Creating...").count - 1
                if started > 10 {
                    roundsAfterFinishedCreates += 1
                    #expect(FileManager.default.fileExists(atPath: tandem.directory + "/state/default.json.journal"),
                            "a kill after \(started) creates had started left no journal")
                }
                try await forceUnlock(tandem)
                // The next command records what the killed one made before it plans anything.
                let plan = try await tandem.run(["plan", "--detailed-exitcode"])
                #expect(plan.exitCode == 2, "kill after \(creates) creates: \(plan.stdout)\n\(plan.stderr)\n--- killed apply:\n\(output)")
                #expect(!plan.stdout.contains("already exists"))
                adoptedNotices += plan.stderr.components(separatedBy: "recorded the object an interrupted create left").count - 1
                let state = try recorded(tandem)
                let onMoto = try await live(moto)
                #expect(onMoto.buckets.subtracting(state.buckets).isEmpty, "orphan buckets after a kill at \(creates): \(onMoto.buckets.subtracting(state.buckets).sorted())")
                #expect(onMoto.queues.subtracting(state.queues).isEmpty, "orphan queues after a kill at \(creates): \(onMoto.queues.subtracting(state.queues).sorted())")
                #expect(state.buckets.subtracting(onMoto.buckets).isEmpty && state.queues.subtracting(onMoto.queues).isEmpty,
                        "the state records only objects that exist")
                #expect(state.pending == 0)
            }
            #expect(roundsAfterFinishedCreates >= 2, "kills landed after some creates had finished")
            #expect(adoptedNotices > 0, "some kill caught a create between its intent and its result")

            let apply = try await tandem.run(["apply", "--auto-approve", "--parallelism", "10"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            let complete = try await live(moto)
            #expect(complete.buckets.count == 40 && complete.queues.count == 40)
            let quiet = try await tandem.run(["plan", "--detailed-exitcode"])
            #expect(quiet.exitCode == 0, "\(quiet.stdout)\n\(quiet.stderr)")

            let destroy = try await tandem.run(["destroy", "--auto-approve", "--parallelism", "10"])
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            let left = try await live(moto)
            #expect(left.buckets.isEmpty && left.queues.isEmpty, "destroy left \(left.buckets.sorted()) \(left.queues.sorted())")
            #expect(try recorded(tandem).buckets.isEmpty)
        }
    }

    @Test func aDoubleCtrlCLeavesNoOrphanEither() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try workspace(moto, configuration: Self.configuration)
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let (output, stopped) = try await stopApply(tandem, afterStartingCreates: { _ in 15 }, signals: [SIGINT, SIGINT])
            #expect(stopped, "the second Ctrl-C did not quit at once with 130:\n\(output)")
            try await forceUnlock(tandem)
            let plan = try await tandem.run(["plan", "--detailed-exitcode"])
            #expect(plan.exitCode == 2, "\(plan.stdout)\n\(plan.stderr)")
            let state = try recorded(tandem)
            let onMoto = try await live(moto)
            #expect(!onMoto.buckets.isEmpty || !onMoto.queues.isEmpty)
            #expect(onMoto.buckets == state.buckets && onMoto.queues == state.queues, "orphans: \(onMoto.buckets.subtracting(state.buckets).sorted()) \(onMoto.queues.subtracting(state.queues).sorted())")
            let destroy = try await tandem.run(["destroy", "--auto-approve", "--parallelism", "10"])
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            let left = try await live(moto)
            #expect(left.buckets.isEmpty && left.queues.isEmpty, "destroy left \(left.buckets.sorted()) \(left.queues.sorted())")
        }
    }

    @Test func aCreateFailingAfterCreateBucketIsFinishedByTheNextApply() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            // S3 refuses tag keys starting with aws: (InvalidTag), after CreateBucket succeeded.
            let broken = """
                providers:
                  aws: {region: af-south-1}
                resources:
                  aws_s3_bucket.half:
                    bucket: half-made
                    tags: {"aws:owner": "x"}
                """
            let tandem = try workspace(moto, configuration: broken)
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            let failed = try await tandem.run(["apply", "--auto-approve"])
            #expect(failed.exitCode == 1, "\(failed.stdout)\n\(failed.stderr)")
            #expect(try await s3.bucketExists("half-made"))
            #expect(try recorded(tandem).pending == 1, "the bucket the failed create made is recorded as pending")

            try broken.replacingOccurrences(of: "\"aws:owner\"", with: "owner").write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            let fixed = try await tandem.run(["apply", "--auto-approve"])
            #expect(fixed.exitCode == 0, "\(fixed.stdout)\n\(fixed.stderr)")
            #expect(fixed.stderr.contains("aws_s3_bucket.half: recorded the object an interrupted create left"))
            #expect(fixed.stdout.contains("1 updated"), "\(fixed.stdout)")
            #expect(try await s3.getBucketTagging("half-made") == ["owner": "x"])

            let destroy = try await tandem.run(["destroy", "--auto-approve"])
            #expect(destroy.exitCode == 0, "\(destroy.stderr)")
            #expect(try await s3.bucketExists("half-made") == false)
        }
    }

    @Test func aBucketSomeoneElseMadeIsStillRefused() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            try await s3.createBucket("someone-elses", locationConstraint: "af-south-1")
            let tandem = try workspace(moto, configuration: """
                providers:
                  aws: {region: af-south-1}
                resources:
                  aws_s3_bucket.taken: {bucket: someone-elses}
                """)
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            for _ in 0..<2 {
                let apply = try await tandem.run(["apply", "--auto-approve"])
                #expect(apply.exitCode == 1)
                #expect((apply.stdout + apply.stderr).contains("already exists and is not managed by this state"))
                #expect(try recorded(tandem).buckets.isEmpty && recorded(tandem).pending == 0)
            }
        }
    }
}
