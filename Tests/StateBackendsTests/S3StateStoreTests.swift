import AWSClient
import Foundation
import StateBackends
import TandemCore
import TandemState
import TandemTesting
import Testing

/// The S3 backend against moto and a real radosgw: a write conditional on the version read (a stale writer is
/// refused and the object unchanged), the lock object (a second holder refused with the first's details,
/// force-unlock by id only), a command's journal written whole after each durable record (a killed command's
/// intents are in the bucket for the next machine), and server-side encryption where the endpoint offers it.
@Suite(.serialized) struct S3StateStoreTests {
    /// Runs `body` with a client and a fresh bucket on moto, or on the shared radosgw.
    private func onServer(_ server: String, _ body: @Sendable (S3Client, _ bucket: String) async throws -> Void) async throws {
        if server == "moto" {
            let moto = try await MotoServer.shared()
            try await moto.withFreshState {
                let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
                try await s3.createBucket("tandem-state", locationConstraint: nil)
                try await body(s3, "tandem-state")
            }
        } else {
            let cluster = try await CephCluster.shared()
            let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
            let bucket = "tandem-state-\(UUID().uuidString.prefix(8).lowercased())"
            try await s3.createBucket(bucket, locationConstraint: nil)
            try await body(s3, bucket)
        }
    }

    private func state(serial: Int, lineage: String = "lineage-a") -> StateFile {
        var state = StateFile(lineage: lineage)
        state.serial = serial
        state.resources = [ResourceState(address: ResourceAddress(type: "aws_s3_bucket", name: "b\(serial)"), provider: "aws",
                                         attributes: .map(["bucket": .string("b\(serial)")]), dependencies: [])]
        return state
    }

    @Test(arguments: ["moto", "radosgw"]) func aWriteBasedOnAnOlderVersionIsRefused(server: String) async throws {
        try await onServer(server) { s3, bucket in
            let first = S3StateStore(client: s3, bucket: bucket, key: "prod/tandem.json", requireEncryption: false)
            let second = S3StateStore(client: s3, bucket: bucket, key: "prod/tandem.json", requireEncryption: false)
            #expect(try await first.read() == nil)
            #expect(try await second.read() == nil)
            try await first.write(state(serial: 1))
            await #expect(throws: StateError.self, "the second writer read no state, which is no longer true") {
                try await second.write(state(serial: 7))
            }
            #expect(try await second.read()?.serial == 1, "the object is the first writer's")
            try await second.write(state(serial: 2))
            let refused = await #expect(throws: StateError.self) { try await first.write(state(serial: 3)) }
            #expect(refused?.description.contains("was changed by someone else since this command read it") == true, "\(String(describing: refused))")
            #expect(try await first.read()?.serial == 2)
        }
    }

    @Test(arguments: ["moto", "radosgw"]) func theLockObjectAdmitsOneHolder(server: String) async throws {
        try await onServer(server) { s3, bucket in
            let store = S3StateStore(client: s3, bucket: bucket, key: "tandem.json", requireEncryption: false)
            let other = S3StateStore(client: s3, bucket: bucket, key: "tandem.json", requireEncryption: false)
            let held = LockInfo(operation: "apply")
            try await store.lock(held)
            let refused = await #expect(throws: StateError.self) { try await other.lock(LockInfo(operation: "destroy")) }
            #expect(refused?.lockInfo == held, "the refusal names the holder")
            #expect(refused?.description.contains("tandem force-unlock \(held.id)") == true)
            await #expect(throws: StateError.self, "another id unlocks nothing") { try await other.forceUnlock(id: "not-the-id") }
            #expect(try await other.currentLock() == held)
            try await other.forceUnlock(id: held.id)
            #expect(try await store.currentLock() == nil)
            try await other.lock(LockInfo(operation: "plan"))
        }
    }

    @Test(arguments: ["moto", "radosgw"]) func aCommandsIntentsAreInTheBucketBeforeItsCreatesStart(server: String) async throws {
        try await onServer(server) { s3, bucket in
            let store = S3StateStore(client: s3, bucket: bucket, key: "tandem.json", requireEncryption: false)
            let base = state(serial: 4)
            try await store.write(base)
            let journal = try await store.openJournal(base: try #require(try await store.read()))
            let planned = ResourceState(address: ResourceAddress(type: "aws_sqs_queue", name: "q"), provider: "aws",
                                        attributes: .map(["name": .string("q")]), dependencies: [])
            let sequence = try journal.append(.intent(planned))
            try await journal.makeDurable(upTo: sequence)
            // The command is killed here: another machine reads the intent and the state it started from.
            let elsewhere = try #require(try await S3StateStore(client: s3, bucket: bucket, key: "tandem.json", requireEncryption: false).read())
            #expect(elsewhere.pendingCreates.map(\.address.description) == ["aws_sqs_queue.q"])
            #expect(elsewhere.resources == base.resources && elsewhere.serial == 5)
            #expect(try await store.hasJournal() == false, "nothing is left to replay: the bucket holds the whole state")
        }
    }

    @Test(arguments: ["moto", "radosgw"]) func stateIsEncryptedWhereTheEndpointOffersItAndSaidWhereNot(server: String) async throws {
        try await onServer(server) { s3, bucket in
            let store = S3StateStore(client: s3, bucket: bucket, key: "tandem.json", requireEncryption: false)
            try await store.write(state(serial: 1))
            let head = try #require(try await s3.headObject(bucket: bucket, key: "tandem.json"))
            let notices = await store.notices()
            if head.serverSideEncryption == "AES256" {
                #expect(notices.isEmpty)
            } else {
                #expect(notices.first?.contains("does not offer server-side encryption") == true, "unencrypted, and said: \(notices)")
                let strict = S3StateStore(client: s3, bucket: bucket, key: "strict.json", requireEncryption: true)
                await #expect(throws: StateError.self, "refused when encryption is required") { try await strict.write(state(serial: 1)) }
            }
            if server == "moto" { #expect(head.serverSideEncryption == "AES256", "moto offers SSE-S3") }
        }
    }

    /// A store that ignores conditional writes (older S3-compatible servers), played by a proxy in front of moto that
    /// drops the If-Match and If-None-Match headers: the store refuses to keep state there.
    @Test func aServerIgnoringConditionalWritesIsRefused() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let proxy = try await HeaderDroppingProxy.start(upstream: moto.endpoint, dropping: ["if-match", "if-none-match"])
            var configuration = moto.configuration(region: "us-east-1")
            configuration.endpointOverride = proxy.endpoint
            let s3 = S3Client(configuration: configuration, transport: moto.transport)
            try await s3.createBucket("ignoring", locationConstraint: nil)
            let store = S3StateStore(client: s3, bucket: "ignoring", key: "tandem.json", requireEncryption: false)
            let refused = await #expect(throws: StateError.self) { try await store.lock(LockInfo(operation: "apply")) }
            #expect(refused?.description.contains("the server ignores If-None-Match: * on PUT") == true, "\(String(describing: refused))")
            #expect(try await s3.headObject(bucket: "ignoring", key: "tandem.json.lock") == nil, "no lock that does not lock")
            await proxy.stop()
        }
    }
}
