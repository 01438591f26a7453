/// Where a workspace's state lives and how it is locked. Local files now; remote stores implement the same protocol.
public protocol StateStore: Sendable {
    /// Reads the state, or nil when none exists yet.
    func read() throws -> StateFile?
    /// Replaces the state atomically: a reader sees the old or the new file, never a mix.
    func write(_ state: StateFile) throws
    /// Takes the lock or throws `StateError.locked` with the holder's details.
    func lock(_ info: LockInfo) throws
    /// Releases a lock this process holds.
    func unlock(_ info: LockInfo) throws
    /// The current lock holder, if any.
    func currentLock() throws -> LockInfo?
    /// Removes the lock with id `id` whoever holds it; refuses a different id.
    func forceUnlock(id: String) throws
}
