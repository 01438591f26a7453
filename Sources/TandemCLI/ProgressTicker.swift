import Foundation
import TandemCore

/// Prints "Still creating... [20s elapsed]" every `interval` for operations that take a while.
final class ProgressTicker: @unchecked Sendable {
    private let lock = NSLock()
    private var tickers: [ResourceAddress: Task<Void, Never>] = [:]
    private let interval: Duration
    private let terminal: Terminal

    init(terminal: Terminal, interval: Duration = .seconds(10)) {
        self.terminal = terminal
        self.interval = interval
    }

    /// Starts ticking for `address`, describing the operation as `verb` ("creating").
    func start(_ address: ResourceAddress, verb: String) {
        let interval = self.interval
        let terminal = self.terminal
        let task = Task {
            var elapsed = Duration.zero
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { return }
                elapsed += interval
                terminal.line("\(address): Still \(verb)... [\(elapsed.components.seconds)s elapsed]")
            }
        }
        lock.withLock { tickers[address] = task }
    }

    /// Stops ticking for `address`.
    func stop(_ address: ResourceAddress) {
        lock.withLock { tickers.removeValue(forKey: address) }?.cancel()
    }
}
