/// Where a workspace's state lives and how it is locked: a local file (``LocalStateStore``) or an S3 object (the
/// StateBackends target).
///
/// A command that changes resources records each operation's intent and result in a journal (`openJournal(base:)`)
/// and writes the state once at the end, which clears the journal. A journal left behind by a killed command is part
/// of the state: `read()` replays it.
public protocol StateStore: Sendable {
    /// Where the state is, for messages (a path, or `s3://BUCKET/KEY`).
    var location: String { get }
    /// Reads the state, or nil when none exists yet, with the operations of a journal a killed command left folded in.
    func read() async throws -> StateFile?
    /// Replaces the state atomically (a reader sees the old or the new file, never a mix), then removes the journal
    /// whose operations `state` now includes.
    func write(_ state: StateFile) async throws
    /// True when a journal of operations not yet written into the state exists (a command was killed).
    func hasJournal() async throws -> Bool
    /// Starts the journal of a command's operations on `base`, the state `read()` returned (a fresh state when nil);
    /// a journal still present is first written into the state.
    func openJournal(base: StateFile) async throws -> any JournalWriter
    /// Takes the lock or throws `StateError.locked` with the holder's details.
    func lock(_ info: LockInfo) async throws
    /// Releases a lock this process holds.
    func unlock(_ info: LockInfo) async throws
    /// The current lock holder, if any.
    func currentLock() async throws -> LockInfo?
    /// Removes the lock with id `id` whoever holds it; refuses a different id.
    func forceUnlock(id: String) async throws
}
