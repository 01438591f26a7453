import Foundation

/// Replaces a file's content all at once: readers see the old text or the new one, never a mix.
enum AtomicFile {
    /// Why a write failed.
    struct WriteError: Error, CustomStringConvertible {
        /// What went wrong.
        var description: String
    }

    /// Writes `text` to a temporary file next to `path` (following a symbolic link to the real file), gives it the
    /// original's permission bits, then renames it over the original.
    static func write(_ text: String, to path: String) throws {
        let target = (path as NSString).resolvingSymlinksInPath
        let permissions = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions]
        let directory = (target as NSString).deletingLastPathComponent
        let name = ".\((target as NSString).lastPathComponent).\(UUID().uuidString).tmp"
        let temporary = directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else {
            throw WriteError(description: "Cannot create the temporary file \(temporary).")
        }
        do {
            if let permissions {
                try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary)
            }
            guard rename(temporary, target) == 0 else {
                throw WriteError(description: "Cannot replace \(target): \(String(cString: strerror(errno))).")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}
