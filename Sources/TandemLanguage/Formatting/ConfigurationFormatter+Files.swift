import Foundation
import TandemCore

/// What formatting a set of files found.
public struct FormattingReport: Sendable {
    /// The files whose text was not canonical: rewritten, or in check mode the ones that would be.
    public var changedFiles: [String] = []
    /// Files that could not be read, parsed or written (those are left untouched).
    public var diagnostics = Diagnostics()
}

extension ConfigurationFormatter {
    /// The file name ending of configuration files.
    static let fileSuffix = ".tandem.yaml"

    /// The files `targets` name: a file as itself, a directory as the `*.tandem.yaml` files in it (and, when
    /// `recursive`, in its subdirectories, hidden ones skipped), sorted per directory.
    public static func files(in targets: [String], recursive: Bool) -> ([String], Diagnostics) {
        var files: [String] = []
        var diagnostics = Diagnostics()
        for target in targets {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
                diagnostics.append(.error("No such file or directory \"\(target)\""))
                continue
            }
            if !isDirectory.boolValue {
                files.append(target)
                continue
            }
            do {
                files += try configurationFiles(in: target, recursive: recursive)
            } catch {
                diagnostics.append(.error("Cannot read directory \"\(target)\"", detail: error.localizedDescription))
            }
        }
        return (files, diagnostics)
    }

    private static func configurationFiles(in directory: String, recursive: Bool) throws -> [String] {
        var files: [String] = []
        var subdirectories: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where !name.hasPrefix(".") {
            let path = directory == "." ? name : (directory as NSString).appendingPathComponent(name)
            let type = try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
            if type == .typeDirectory {
                subdirectories.append(path)
            } else if name.hasSuffix(fileSuffix), type == .typeRegular || type == .typeSymbolicLink {
                files.append(path)
            }
        }
        guard recursive else { return files }
        // Symbolic links to directories are not followed (attributesOfItem does not resolve them), so no loops.
        for subdirectory in subdirectories { files += try configurationFiles(in: subdirectory, recursive: true) }
        return files
    }

    /// Formats each of `paths`. With `checkOnly` nothing is written; otherwise changed files are replaced
    /// atomically, keeping their permissions. A file that is not valid YAML is left as it is, with a diagnostic.
    public static func formatFiles(_ paths: [String], checkOnly: Bool) -> FormattingReport {
        var report = FormattingReport()
        for path in paths {
            let text: String
            switch SourceText.read(path: path) {
            case .success(let read): text = read
            case .failure(let problem):
                report.diagnostics.append(problem.diagnostic)
                continue
            case nil:
                report.diagnostics.append(.error("Cannot read \"\(path)\""))
                continue
            }
            let (formatted, diagnostics) = format(text, file: path)
            report.diagnostics.append(contentsOf: diagnostics)
            guard let formatted, formatted != text else { continue }
            if !checkOnly {
                do {
                    // Through a symbolic link to the real file, keeping its permission bits.
                    let target = (path as NSString).resolvingSymlinksInPath
                    let mode = (try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber)?.uint16Value
                    try AtomicFile.write(Data(formatted.utf8), to: target, mode: mode_t(mode ?? 0o644))
                } catch {
                    report.diagnostics.append(.error("Cannot write \"\(path)\"", detail: "\(error)"))
                    continue
                }
            }
            report.changedFiles.append(path)
        }
        return report
    }
}
