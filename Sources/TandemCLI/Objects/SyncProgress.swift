import Foundation
import TandemReplicator

/// A sync's progress on stderr: on a terminal a bar redrawn in place (objects and bytes done of the total, rate,
/// ETA, errors, the phase and bucket), otherwise a JSON line at the start, every 5 seconds and at the end.
final class SyncProgress: @unchecked Sendable {
    private let terminal: Terminal
    private let label: String
    private let phase: String
    private let totalObjects: Int
    private let totalBytes: Int
    private let drawsBar: Bool
    private let started = ContinuousClock.now
    private let lock = NSLock()
    private var lastShown = ContinuousClock.now
    private var copied = 0, bytesCopied = 0, alreadyCurrent = 0, failed = 0

    /// Starts showing the progress of copying `objects` objects (`bytes` bytes) of `label` in `phase`.
    init(terminal: Terminal, label: String, phase: String, objects: Int, bytes: Int) {
        self.terminal = terminal
        self.label = label
        self.phase = phase
        self.totalObjects = objects
        self.totalBytes = bytes
        self.drawsBar = terminal.errorIsTerminal
        if !drawsBar { emitJSON(event: "start") }
    }

    /// The backfill's summary so far; shown at most every 0.2 s on a terminal, 5 s otherwise.
    func update(_ summary: Backfill.Summary) {
        lock.lock()
        record(summary)
        let now = ContinuousClock.now
        let due = now - lastShown >= (drawsBar ? .milliseconds(200) : .seconds(5))
        if due { lastShown = now }
        lock.unlock()
        guard due else { return }
        if drawsBar { terminal.errorText("\r" + bar() + "\u{1B}[K") } else { emitJSON(event: "progress") }
    }

    /// The last state, then a new line (terminal) or a final JSON line.
    func finish(_ summary: Backfill.Summary) {
        lock.lock()
        record(summary)
        lock.unlock()
        if drawsBar { terminal.errorText("\r" + bar() + "\u{1B}[K\n") } else { emitJSON(event: "done") }
    }

    /// A message of the copy (a failed copy), on its own line, or as a JSON line.
    func message(_ text: String) {
        if drawsBar { terminal.errorText("\r\u{1B}[K" + text + "\n") } else { emitJSON(event: "message", text: text) }
    }

    private func record(_ summary: Backfill.Summary) {
        (copied, bytesCopied, alreadyCurrent, failed) = (summary.copied, summary.bytes, summary.alreadyCurrent, summary.failed)
    }

    private var elapsed: Double {
        let duration = started.duration(to: .now)
        return max(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18, 0.001)
    }

    private var done: Int { copied + alreadyCurrent + failed }

    private func bar() -> String {
        let fraction = totalObjects == 0 ? 1 : min(Double(done) / Double(totalObjects), 1)
        let width = 24, filled = Int(fraction * Double(width))
        let rate: Double = Double(done) / elapsed
        let eta: Double = rate > 0 ? Double(max(totalObjects - done, 0)) / rate : 0
        let gauge = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(format: "%3.0f%%", fraction * 100)
        let throughput = Self.size(Int(Double(bytesCopied) / elapsed))
        let counts = "\(done)/\(totalObjects) objects, \(Self.size(bytesCopied)) copied of \(Self.size(totalBytes))"
        let speed = "\(Int(rate.rounded())) objects/s, \(throughput)/s, ETA \(Self.duration(eta)), \(failed) errors"
        return "\(phase) \(label) [\(gauge)] \(percent) \(counts), \(speed)"
    }

    private func emitJSON(event: String, text: String? = nil) {
        var fields: [String: Any] = [
            "event": event, "phase": phase, "location": label, "objects_total": totalObjects, "bytes_total": totalBytes,
            "objects_done": done, "objects_copied": copied, "bytes_copied": bytesCopied, "errors": failed,
            "elapsed_seconds": (elapsed * 1000).rounded() / 1000,
        ]
        if let text { fields["message"] = text }
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        terminal.errorLine(String(decoding: data, as: UTF8.self))
    }

    static func size(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600)h\(total % 3600 / 60)m" : (total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s")
    }
}
