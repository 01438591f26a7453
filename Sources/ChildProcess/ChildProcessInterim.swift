import Foundation

// INTERIM until the swift-subprocess helper's branch is merged: same signature.
extension ChildProcess {
    public struct Outcome: Sendable {
        public var status: Int32
        public var standardOutput: [UInt8]
        public var standardError: String
    }

    public static func run(_ arguments: [String], environment: [String: String], input: [UInt8]? = nil, workingDirectory: String? = nil,
                           timeout: Duration? = nil, outputLimit: Int = 64 << 20) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let e = errors.fileHandleForReading
                nonisolated(unsafe) var errorData = Data()
                let g = DispatchGroup(); g.enter()
                DispatchQueue.global().async { errorData = e.readDataToEndOfFile(); g.leave() }
                let out = output.fileHandleForReading.readDataToEndOfFile()
                g.wait()
                process.waitUntilExit()
                continuation.resume(returning: Outcome(status: process.terminationStatus, standardOutput: Array(out), standardError: String(decoding: errorData, as: UTF8.self)))
            }
        }
    }
}
