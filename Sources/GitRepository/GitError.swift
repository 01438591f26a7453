import CGit2

/// A libgit2 call that failed, with libgit2's own message.
public struct GitError: Error, CustomStringConvertible, Sendable {
    /// What Tandem was doing.
    public var operation: String
    /// libgit2's message (`git_error_last`), or the return code when it left none.
    public var message: String

    /// Creates an error.
    public init(_ operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    /// One line: `operation: message`.
    public var description: String { "\(operation): \(message)" }

    /// The error libgit2 recorded for the call that returned `code`.
    static func last(_ operation: String, code: Int32) -> GitError {
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "libgit2 error \(code)"
        return GitError(operation, message: message)
    }
}

/// Runs a libgit2 call, throwing its error when it returns a negative code.
@discardableResult
func check(_ operation: @autoclosure () -> String, _ code: Int32) throws(GitError) -> Int32 {
    guard code >= 0 else { throw GitError.last(operation(), code: code) }
    return code
}
