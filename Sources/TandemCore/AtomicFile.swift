import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file's content durably and all at once: a reader (or a crash) sees the old content or the new one,
/// never a mix. Used for the state, locks, saved plans and `tandem fmt`.
public enum AtomicFile {
    /// Why an atomic write failed: the step, the path and the system's error number.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        /// The file the failing step worked on.
        public var path: String
        /// What was being done (`create`, `write`, `rename onto`).
        public var operation: String
        /// The `errno` of the failure.
        public var errno: Int32

        /// Creates the error of a failed step.
        public init(path: String, operation: String, errno: Int32) {
            self.path = path
            self.operation = operation
            self.errno = errno
        }

        /// "Cannot OPERATION PATH: REASON".
        public var description: String { "Cannot \(operation) \(path): \(String(cString: strerror(errno)))" }
    }

    /// Writes `data` to a temporary file beside `path` with permission bits `mode`, fsyncs it, renames it over
    /// `path`, then fsyncs the directory. The directory must exist.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw WriteError(path: temporary, operation: "create", errno: errno) }
        // open() applies the umask; the file gets exactly `mode`.
        fchmod(fd, mode)
        var written = 0
        let result: Int32 = data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 { return errno }
                written += n
            }
            return fsync(fd) == 0 ? 0 : errno
        }
        close(fd)
        guard result == 0 else {
            unlink(temporary)
            throw WriteError(path: temporary, operation: "write", errno: result)
        }
        guard rename(temporary, path) == 0 else {
            let error = errno
            unlink(temporary)
            throw WriteError(path: path, operation: "rename onto", errno: error)
        }
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
