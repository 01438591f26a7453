/// Where a workspace's state lives and how it is locked. Local files now; remote stores implement the same protocol.
///
/// A command that changes resources does not rewrite the state per operation: it appends each operation's intent
/// and result to a journal (`openJournal(base:)`) and writes the state once at the end, which clears the journal.
/// A journal left behind by a killed command is part of the state: `read()` replays it.
public protocol StateStore: Sendable {
    /// Reads the state, or nil when none exists yet, with the operations of a journal a killed command left folded in.
    func read() throws -> StateFile?
    /// Replaces the state atomically (a reader sees the old or the new file, never a mix), then removes the journal
    /// whose operations `state` now includes.
    func write(_ state: StateFile) throws
    /// True when a journal of operations not yet written into the state exists (a command was killed).
    func hasJournal() throws -> Bool
    /// Starts the journal of a command's operations on `base`, the state `read()` returned (a fresh state when nil);
    /// a journal still present is first written into the state.
    func openJournal(base: StateFile) throws -> any JournalWriter
    /// Takes the lock or throws `StateError.locked` with the holder's details.
    func lock(_ info: LockInfo) throws
    /// Releases a lock this process holds.
    func unlock(_ info: LockInfo) throws
    /// The current lock holder, if any.
    func currentLock() throws -> LockInfo?
    /// Removes the lock with id `id` whoever holds it; refuses a different id.
    func forceUnlock(id: String) throws
}
