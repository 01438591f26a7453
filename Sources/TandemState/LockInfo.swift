import Foundation
import TandemCore

/// Who holds a state lock, written into the lock so a blocked user can see it and `force-unlock` it.
public struct LockInfo: Codable, Sendable, Equatable {
    /// Unique id of this lock, given to `force-unlock`.
    public var id: String
    /// The command holding the lock (`apply`, `destroy`, ...).
    public var operation: String
    /// `user@host` of the holder.
    public var who: String
    /// Host name of the holder.
    public var host: String
    /// Process id of the holder.
    public var pid: Int32
    /// When the lock was taken, ISO 8601.
    public var created: String

    /// A lock for `operation` by the current process.
    public init(operation: String, date: Date = Date()) {
        let host = ProcessInfo.processInfo.hostName
        let user = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
        self.id = UUID().uuidString.lowercased()
        self.operation = operation
        self.who = "\(user)@\(host)"
        self.host = host
        self.pid = ProcessInfo.processInfo.processIdentifier
        self.created = date.rfc3339
    }
}
