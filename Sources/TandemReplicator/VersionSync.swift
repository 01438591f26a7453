import AWSClient

/// The versions of a versioned bucket (or directory) copied into another versioned bucket, oldest first, so that each
/// key's history on the target replays the source's: versions become new versions (their bytes, headers, metadata and
/// tags, with the source's version id recorded), delete markers become deletes. A key whose target history is the
/// beginning of its source history gets the rest (a second run copies nothing); a key whose target history is not
/// (someone else wrote it) is left alone and counted as failed. Keys go `concurrency` at a time, each key's versions
/// one after the other; memory holds one listing page per side and the version list of each key in flight.
struct VersionSync {
    let copier: ObjectCopier
    let source: ReplicaAudit.Side
    let target: ReplicaAudit.Side
    let concurrency: Int

    /// Copies what each key's target history lacks; `progress` hears about keys left alone and failed copies,
    /// `observe` sees the summary after every key (versions examined, copied, already there, keys failed).
    func run(progress: @escaping @Sendable (String) -> Void, observe: (Backfill.Summary) -> Void) async throws -> Backfill.Summary {
        var sources = VersionCursor(client: source.client, bucket: source.bucket, prefix: source.prefix)
        var targets = VersionCursor(client: target.client, bucket: target.bucket, prefix: target.prefix)
        var summary = Backfill.Summary()
        try await withThrowingTaskGroup(of: Backfill.Summary.self) { group in
            var running = 0
            func settle(_ done: Backfill.Summary) {
                running -= 1
                summary.examined += done.examined
                summary.copied += done.copied
                summary.bytes += done.bytes
                summary.alreadyCurrent += done.alreadyCurrent
                summary.failed += done.failed
                observe(summary)
            }
            while let (key, history) = try await sources.nextKey() {
                let relative = ReplicaAudit.dropping(source.prefix, from: key)
                // Target keys that sort before this one exist only on the target.
                while let candidate = try await targets.peekKey(),
                      ReplicaAudit.dropping(target.prefix, from: candidate).utf8.lexicographicallyPrecedes(relative.utf8) {
                    _ = try await targets.nextKey()
                }
                var copies: [ObjectVersionReference] = []
                if let candidate = try await targets.peekKey(), ReplicaAudit.dropping(target.prefix, from: candidate) == relative {
                    copies = try await targets.nextKey()?.versions ?? []
                }
                if running >= concurrency, let done = try await group.next() { settle(done) }
                running += 1
                let targetKey = target.prefix + relative
                group.addTask { await replay(history, of: key, onto: copies, at: targetKey, progress: progress) }
            }
            while let done = try await group.next() { settle(done) }
        }
        return summary
    }

    /// One key: what `copies` (the target's history) lacks of `history` (the source's), copied in order.
    private func replay(_ history: [ObjectVersionReference], of key: String, onto copies: [ObjectVersionReference], at targetKey: String,
                        progress: @Sendable (String) -> Void) async -> Backfill.Summary {
        var done = Backfill.Summary()
        done.examined = history.count
        do {
            var matching = copies.count <= history.count
            for (copy, original) in zip(copies, history) where matching {
                matching = try await holds(copy, original, at: targetKey)
            }
            guard matching else {
                done.failed = 1
                progress("\(key): the target's \(copies.count) versions are not the beginning of the source's \(history.count): left alone")
                return done
            }
            done.alreadyCurrent = copies.count
            for version in history.dropFirst(copies.count) {
                if version.isDeleteMarker {
                    try await target.client.deleteObject(bucket: target.bucket, key: targetKey)
                    done.copied += 1
                } else if let versionID = version.versionID,
                          case .copied(let bytes) = try await copier.copyVersion(bucket: source.bucket, key: key, versionID: versionID,
                                                                                 to: target.bucket, key: targetKey) {
                    done.copied += 1
                    done.bytes += bytes
                }
            }
        } catch {
            done.failed = 1
            progress("\(key): copying its versions failed (the next run goes on from the last one copied): \(error)")
        }
        return done
    }

    /// True when the target's `copy` is the source's `original`: both delete markers, or the same size and ETag, or
    /// (a multipart copy has an ETag of its own) the source version id the copy recorded.
    private func holds(_ copy: ObjectVersionReference, _ original: ObjectVersionReference, at targetKey: String) async throws -> Bool {
        if copy.isDeleteMarker || original.isDeleteMarker { return copy.isDeleteMarker == original.isDeleteMarker }
        guard copy.size == original.size else { return false }
        if copy.eTag == original.eTag { return true }
        let head = try await target.client.headObject(bucket: target.bucket, key: targetKey, versionID: copy.versionID)
        return head?.metadata[ObjectCopier.sourceVersionMetadata] == original.versionID
    }
}

/// Each key's versions and delete markers, oldest first, from ListObjectVersions pages (one page in memory).
struct VersionCursor {
    let client: S3Client
    let bucket: String
    let prefix: String
    private var page: [ObjectVersionReference] = []
    private var index = 0
    private var markers: (key: String?, versionID: String?) = (nil, nil)
    private var finished = false

    init(client: S3Client, bucket: String, prefix: String) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
    }

    private mutating func peek() async throws -> ObjectVersionReference? {
        while index >= page.count {
            guard !finished else { return nil }
            let next = try await client.listObjectVersions(bucket, prefix: prefix, keyMarker: markers.key, versionIDMarker: markers.versionID)
            (page, index, markers) = (next.objects, 0, (next.nextKeyMarker, next.nextVersionIDMarker))
            finished = next.nextKeyMarker == nil
        }
        return page[index]
    }

    /// The next key, without taking it.
    mutating func peekKey() async throws -> String? {
        try await peek()?.key
    }

    /// The next key and its history, oldest first (listings give each key's newest first).
    mutating func nextKey() async throws -> (key: String, versions: [ObjectVersionReference])? {
        guard let first = try await peek() else { return nil }
        var versions: [ObjectVersionReference] = []
        while let entry = try await peek(), entry.key == first.key {
            versions.append(entry)
            index += 1
        }
        return (first.key, versions.reversed())
    }
}
