import Foundation

/// Failures reading, writing or locking state.
public struct StateError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case corrupt(path: String, reason: String)
        case unsupportedVersion(path: String, version: Int)
        case io(path: String, operation: String, errno: Int32)
        case locked(LockInfo, path: String)
        case lockMismatch(expected: String, actual: LockInfo?)
        case changedElsewhere(path: String)
        case backendUnsupported(location: String, reason: String)
    }

    private let code: Code

    /// The state file cannot be parsed.
    public static func corrupt(path: String, reason: String) -> StateError { StateError(code: .corrupt(path: path, reason: reason)) }
    /// The state file was written by a newer Tandem.
    public static func unsupportedVersion(path: String, version: Int) -> StateError { StateError(code: .unsupportedVersion(path: path, version: version)) }
    /// A system call failed.
    public static func io(path: String, operation: String, errno: Int32) -> StateError { StateError(code: .io(path: path, operation: operation, errno: errno)) }
    /// Another process holds the lock.
    public static func locked(_ info: LockInfo, path: String) -> StateError { StateError(code: .locked(info, path: path)) }
    /// `force-unlock` was given an id that does not match the lock.
    public static func lockMismatch(expected: String, actual: LockInfo?) -> StateError { StateError(code: .lockMismatch(expected: expected, actual: actual)) }

    /// The state was written by someone else since it was read: a write would have overwritten theirs.
    public static func changedElsewhere(path: String) -> StateError { StateError(code: .changedElsewhere(path: path)) }
    /// The backend cannot keep state safely (it ignores conditional writes, or lacks required encryption).
    public static func backendUnsupported(location: String, reason: String) -> StateError {
        StateError(code: .backendUnsupported(location: location, reason: reason))
    }

    /// The lock holder, when the error is about a held lock.
    public var lockInfo: LockInfo? {
        if case .locked(let info, _) = code { return info }
        return nil
    }

    /// What went wrong and what to do, for the user.
    public var description: String {
        switch code {
        case .corrupt(let path, let reason):
            return "State file \(path) is not valid: \(reason)"
        case .unsupportedVersion(let path, let version):
            return "State file \(path) has format version \(version), newer than this Tandem understands (\(StateFile.currentFormatVersion)); upgrade Tandem."
        case .io(let path, let operation, let errno):
            return "Cannot \(operation) \(path): \(String(cString: strerror(errno)))"
        case .locked(let info, let path):
            return """
            State is locked: \(path)
              ID:        \(info.id)
              Operation: \(info.operation)
              Who:       \(info.who)
              Host:      \(info.host)
              PID:       \(info.pid)
              Created:   \(info.created)
            Another tandem is running, or one was interrupted. If no other tandem is running, remove the lock with:
              tandem force-unlock \(info.id)
            """
        case .lockMismatch(let expected, let actual):
            if let actual {
                return "Lock ID \(expected) does not match the current lock \(actual.id) (held by \(actual.who), operation \(actual.operation)); nothing was unlocked."
            }
            return "The state is not locked; nothing to unlock."
        case .changedElsewhere(let path):
            return "State \(path) was changed by someone else since this command read it; nothing was overwritten. "
                + "Run the command again (it reads the new state), and use the lock: commands that change state take it."
        case .backendUnsupported(let location, let reason):
            return "Cannot keep the state at \(location): \(reason)."
        }
    }
}
