/// Lines bound for standard output, gathered and written in chunks of about `chunkSize` bytes: a long text (the plan
/// of many resources) is neither held whole nor written a line at a time.
struct ChunkedOutput {
    /// Bytes gathered before they are written.
    static let chunkSize = 64 * 1024

    private let terminal: Terminal
    private var buffer: [UInt8] = []

    /// Gathers lines for `terminal`'s standard output.
    init(terminal: Terminal) {
        self.terminal = terminal
        buffer.reserveCapacity(Self.chunkSize)
    }

    /// Adds `text` and a line feed, writing the gathered bytes once they reach `chunkSize`.
    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkSize { flush() }
    }

    /// Adds bytes already encoded (whole lines or parts of them), writing the gathered bytes once they reach `chunkSize`.
    mutating func bytes(_ lines: [UInt8]) {
        buffer.append(contentsOf: lines)
        if buffer.count >= Self.chunkSize { flush() }
    }

    /// Writes whatever is gathered.
    mutating func flush() {
        guard !buffer.isEmpty else { return }
        terminal.output(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
