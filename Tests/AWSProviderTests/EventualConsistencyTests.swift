import AWSClient
@testable import AWSProvider
import Testing
import TandemCore
import TandemEngine

/// Typed bounded retries: only errors a known propagation delay explains are retried, each retry is reported.
struct EventualConsistencyTests {
    private let fast = EventualConsistency(attempts: 3, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(2))
    private let unvalidated = AWSServiceError(service: "S3", code: "InvalidArgument",
                                              message: "Unable to validate the following destination configurations", statusCode: 400)

    @Test func retriesAKnownDelayAndReportsIt() async throws {
        let messages = MessageLog()
        let calls = MessageLog()
        let error = unvalidated
        let result = try await fast.run([EventualConsistency.destinationNotValidated], operation: "PutBucketNotificationConfiguration",
                                        progress: ProgressReporter { messages.add($0) }) {
            calls.add("call")
            if calls.all.count < 3 { throw error }
            return "done"
        }
        #expect(result == "done")
        #expect(messages.all.count == 2)
        #expect(messages.all.first?.contains("S3 cannot validate the notification destination yet") == true)
        #expect(messages.all.last?.contains("attempt 3 of 3") == true)
    }

    @Test func givesUpAfterTheLastAttempt() async throws {
        let calls = MessageLog()
        let error = unvalidated
        await #expect(throws: AWSServiceError.self) {
            _ = try await fast.run([EventualConsistency.destinationNotValidated], operation: "Put", progress: .silent) { () -> Int in
                calls.add("call")
                throw error
            }
        }
        #expect(calls.all.count == 3)
    }

    @Test func doesNotRetryOtherErrors() async throws {
        let calls = MessageLog()
        await #expect(throws: AWSServiceError.self) {
            _ = try await fast.run([EventualConsistency.destinationNotValidated], operation: "Put", progress: .silent) { () -> Int in
                calls.add("call")
                throw AWSServiceError(service: "S3", code: "AccessDenied", message: "no", statusCode: 403)
            }
        }
        #expect(calls.all.count == 1)
    }

    @Test func replicationRulesAreCheckedWhilePlanning() {
        let rule: Value = .map([
            "id": .string("r"), "priority": .null, "filter": .map(["prefix": .null, "tags": .map(["k": .string("v")])]),
            "delete_marker_replication": .string("Enabled"),
            "destination": .map(["bucket": .string("tandem-dst"), "replication_time": .map(["status": .string("Enabled")]),
                                 "access_control_translation": .map(["owner": .string("Destination")]), "account": .null]),
        ])
        let problems = AWSProvider().validate(type: "aws_s3_bucket_replication", configuration: .map(["rule": .list([rule, rule])]))
        let paths = problems.compactMap(\.attributePath)
        #expect(paths.contains("rule[1].id"))
        #expect(paths.contains("rule[0]"))
        #expect(paths.contains("rule[0].destination.bucket"))
        #expect(paths.contains("rule[0].destination.replication_time"))
        #expect(paths.contains("rule[0].destination.access_control_translation"))
        #expect(paths.contains("rule[0].delete_marker_replication"))
    }
}
