/// `radosgw-admin` failed: the command (never its secrets), its exit status and what it printed on standard error.
public struct RadosGWAdminError: Error, CustomStringConvertible, Sendable {
    /// The command as run, without the secret options passed through standard input.
    public var command: String
    /// The exit status (radosgw-admin exits with the errno of the failure, e.g. 2 for ENOENT).
    public var status: Int32
    /// The last lines of standard error.
    public var message: String

    /// Creates an error.
    public init(command: String, status: Int32, message: String) {
        self.command = command
        self.status = status
        self.message = message
    }

    /// True when the object the command named does not exist.
    public var isNotFound: Bool {
        status == 2 || message.contains("no user info saved") || message.contains("could not find")
    }

    /// "`<command>` failed (exit N): <message>".
    public var description: String {
        "`\(command)` failed (exit \(status)): \(message.isEmpty ? "no message" : message)"
    }
}
