import Foundation

/// Runs the built `tandem` executable in a working directory and captures its output.
struct TandemBinary {
    struct Run {
        var exitCode: Int32
        var stdout: String
        var stderr: String
    }

    let directory: String
    var environment: [String: String]

    /// The `tandem` built next to the test bundle (SwiftPM builds it because this target depends on it).
    static var path: String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("tandem").path,
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("tandem").path,
            repositoryRoot + "/.build/debug/tandem",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Runs `tandem arguments...`, feeding `input` on stdin.
    func run(_ arguments: [String], input: String = "") throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(exitCode: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}

extension TandemBinary {
    /// Starts `tandem arguments...` with stdin left open, waits until stdout contains `marker`, then sends `signal`.
    func interrupt(_ arguments: [String], whenOutputContains marker: String, signal: Int32 = SIGINT) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        var output = Data()
        let deadline = Date().addingTimeInterval(30)
        while !String(decoding: output, as: UTF8.self).contains(marker), Date() < deadline, process.isRunning {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        kill(process.processIdentifier, signal)
        output.append(stdout.fileHandleForReading.readDataToEndOfFile())
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? stdin.fileHandleForWriting.close()
        return Run(exitCode: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
