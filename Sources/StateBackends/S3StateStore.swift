import AWSClient
import Foundation
import NIOCore
import NIOFoundationCompat
import TandemCore
import TandemState

/// State in an S3 bucket (AWS S3, Ceph RGW, any S3-compatible store that honours conditional writes), so a CI job
/// and a workstation see one state.
///
/// Every write is conditional on the version last read or written (`If-Match: "ETAG"`, or `If-None-Match: *` when no
/// state existed), so two writers never silently overwrite each other: the second is refused and told the state
/// changed. The lock is the object `KEY.lock`, created with `If-None-Match: *` and holding who, where, what and when.
/// There is no separate journal: a command's operations are folded into the state and written whole after each one
/// (``S3JournalWriter``), intents of creates included, so a command killed at any point leaves a state the next one
/// continues from, on any machine.
///
/// Before the first write the store probes the server: a second `If-None-Match: *` PUT and a PUT with a wrong
/// `If-Match` must both be refused with 412, or the store refuses to keep state there (older S3-compatible stores
/// ignore the conditions, and a lock that does not lock is worse than none). Objects are written with server-side
/// encryption (`x-amz-server-side-encryption: AES256`); an endpoint that does not offer it is used without, and said
/// so (``notices``), unless `requireEncryption` (AWS itself always offers it).
public actor S3StateStore: StateStore {
    /// `s3://BUCKET/KEY`, for messages.
    public nonisolated let location: String
    private let client: S3Client
    private let bucket: String
    private let key: String
    private let requireEncryption: Bool

    private enum Version { case unknown, absent, eTag(String) }
    private var version = Version.unknown
    private var probed = false
    private var encrypting = true
    /// How the server wants `If-Match` ETags: quoted as HTTP says (AWS, moto), or bare (radosgw 16.2 compares the
    /// header with the bare ETag and refuses the quoted form).
    private var quotesETags = true
    private var pendingNotices: [String] = []

    /// The largest state read (a bigger object is refused rather than half read).
    static let maximumStateBytes = 512 << 20

    /// A store for `key` in `bucket` through `client`; `requireEncryption` refuses an endpoint without server-side
    /// encryption instead of writing the state unencrypted.
    public init(client: S3Client, bucket: String, key: String, requireEncryption: Bool) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.requireEncryption = requireEncryption
        location = "s3://\(bucket)/\(key)"
    }

    private var lockKey: String { key + ".lock" }

    /// What the user should know about this backend that is not an error (an endpoint without encryption).
    public func notices() -> [String] {
        defer { pendingNotices = [] }
        return pendingNotices
    }

    /// The state, remembering its version (ETag) for the next write; nil when the key does not exist.
    public func read() async throws -> StateFile? {
        guard let (eTag, body) = try await fetch(key) else {
            version = .absent
            return nil
        }
        version = .eTag(eTag)
        return try StateFile.decode(body, path: location)
    }

    /// The object's ETag and body; nil when it does not exist.
    private func fetch(_ objectKey: String) async throws -> (String, Data)? {
        do {
            let (head, body) = try await client.getObjectWithHead(bucket: bucket, key: objectKey, limit: Self.maximumStateBytes)
            guard body.readableBytes <= Self.maximumStateBytes else {
                throw StateError.corrupt(path: "s3://\(bucket)/\(objectKey)", reason: "larger than \(Self.maximumStateBytes >> 20) MiB")
            }
            return (head.eTag, Data(buffer: body))
        } catch let error as AWSServiceError where error.statusCode == 404 {
            return nil
        }
    }

    /// Replaces the state if it is still the version this store last read or wrote.
    public func write(_ state: StateFile) async throws {
        try await probeOnce()
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        switch version {
        case .eTag(let eTag): headers.append(("if-match", ifMatch(eTag)))
        case .absent, .unknown: headers.append(("if-none-match", "*"))
        }
        do {
            version = .eTag(try await put(key, body: Array(try state.encoded()), headers: headers))
        } catch let error as AWSServiceError where error.statusCode == 412 {
            throw StateError.changedElsewhere(path: location)
        }
    }

    private func ifMatch(_ eTag: String) -> String { quotesETags ? "\"\(eTag)\"" : eTag }

    /// PUT with the encryption header when the endpoint offers encryption.
    private func put(_ objectKey: String, body: [UInt8], headers: [(name: String, value: String)]) async throws -> String {
        try await client.putObject(bucket: bucket, key: objectKey, body: body,
                                   headers: headers + (encrypting ? [("x-amz-server-side-encryption", "AES256")] : []))
    }

    /// The state is always written whole: there is never a journal to replay.
    public func hasJournal() async throws -> Bool { false }

    /// A journal that writes the folded state after each durable record.
    public func openJournal(base: StateFile) async throws -> any JournalWriter {
        S3JournalWriter(base: base, store: self)
    }

    /// Creates `KEY.lock` unless it exists; a held lock throws `StateError.locked` with its holder.
    public func lock(_ info: LockInfo) async throws {
        try await probeOnce()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            _ = try await put(lockKey, body: Array(try encoder.encode(info)), headers: [("if-none-match", "*"), ("content-type", "application/json")])
        } catch let error as AWSServiceError where error.statusCode == 412 {
            if let holder = try await currentLock() { throw StateError.locked(holder, path: "s3://\(bucket)/\(lockKey)") }
            throw StateError.corrupt(path: "s3://\(bucket)/\(lockKey)",
                                     reason: "the lock exists but cannot be read; if no tandem is running, remove it with tandem force-unlock UNREADABLE")
        }
    }

    /// Deletes `KEY.lock` when it is still `info`'s.
    public func unlock(_ info: LockInfo) async throws {
        guard let current = try await currentLock(), current.id == info.id else { return }
        try await client.deleteObject(bucket: bucket, key: lockKey)
    }

    /// The holder recorded in `KEY.lock`; nil when unlocked or unreadable.
    public func currentLock() async throws -> LockInfo? {
        guard let (_, body) = try await fetch(lockKey) else { return nil }
        return try? JSONDecoder().decode(LockInfo.self, from: body)
    }

    /// Deletes `KEY.lock` when its id is `id` (or it is unreadable and `id` is `UNREADABLE`).
    public func forceUnlock(id: String) async throws {
        let exists = try await fetch(lockKey) != nil
        let current = try await currentLock()
        guard current?.id == id || (exists && current == nil && id == LocalStateStore.unreadableLockID) else {
            throw StateError.lockMismatch(expected: id, actual: current)
        }
        try await client.deleteObject(bucket: bucket, key: lockKey)
    }

    /// Checks once that the server honours conditional writes (a second `If-None-Match: *` PUT and a wrong `If-Match`
    /// refused, the object's own ETag accepted, learning how it wants it written), and whether it encrypts.
    private func probeOnce() async throws {
        guard !probed else { return }
        let probe = key + ".probe-" + UUID().uuidString.lowercased()
        do {
            try await checkConditionalWrites(on: probe)
        } catch {
            try? await client.deleteObject(bucket: bucket, key: probe)
            throw error
        }
        // Removed before the command goes on (a process exiting would not wait for a detached delete).
        try? await client.deleteObject(bucket: bucket, key: probe)
        probed = true
    }

    /// The checks of ``probeOnce()`` on the object `probe`.
    private func checkConditionalWrites(on probe: String) async throws {
        let create: [(name: String, value: String)] = [("if-none-match", "*")]
        let eTag: String
        do {
            eTag = try await put(probe, body: Array("probe".utf8), headers: create)
        } catch let error as AWSServiceError where encrypting && [400, 501].contains(error.statusCode) {
            // The endpoint refuses the encryption header (radosgw without a key management service does).
            if requireEncryption {
                throw StateError.backendUnsupported(location: location, reason: "it refuses server-side encryption (\(error.code)) and the backend requires it")
            }
            encrypting = false
            pendingNotices.append("\(location): the endpoint does not offer server-side encryption (\(error.code)); the state, secrets included, is "
                                  + "stored unencrypted: restrict the bucket to the people and jobs that run tandem")
            eTag = try await put(probe, body: Array("probe".utf8), headers: create)
        }
        guard try await refused(probe, create) else { throw ignored("If-None-Match: *") }
        var matched = false
        for quoted in [true, false] where !matched {
            quotesETags = quoted
            matched = try await !refused(probe, [("if-match", ifMatch(eTag))])
        }
        guard matched else {
            throw StateError.backendUnsupported(location: location, reason: "the server refuses a PUT with If-Match of the object's own ETag")
        }
        guard try await refused(probe, [("if-match", ifMatch(String(repeating: "0", count: 32)))]) else { throw ignored("If-Match with a wrong ETag") }
    }

    /// True when a PUT of `probe` with `conditions` is refused with 412.
    private func refused(_ probe: String, _ conditions: [(name: String, value: String)]) async throws -> Bool {
        do {
            _ = try await put(probe, body: Array("overwritten".utf8), headers: conditions)
            return false
        } catch let error as AWSServiceError where error.statusCode == 412 {
            return true
        }
    }

    private func ignored(_ condition: String) -> StateError {
        StateError.backendUnsupported(location: location, reason: "the server ignores \(condition) on PUT, so two writers could overwrite each other's "
                                      + "state and the lock would not lock")
    }
}
