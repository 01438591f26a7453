import TandemCore
import TandemState

/// Callbacks through which the CLI shows apply progress; the engine never prints.
public struct ApplyHooks: Sendable {
    /// An operation on a resource starts.
    public var willApply: @Sendable (ResourceAddress, ChangeAction) -> Void
    /// A provider reports what it is waiting for.
    public var progress: @Sendable (ResourceAddress, String) -> Void
    /// An operation finished after `seconds`; `error` is nil on success.
    public var didApply: @Sendable (ResourceAddress, ChangeAction, Double, Diagnostic?) -> Void
    /// Asked before each operation starts; once it answers true (the user interrupted), no new operation starts and
    /// the ones in flight finish and are recorded.
    public var isCancelled: @Sendable () -> Bool

    /// Creates hooks.
    public init(willApply: @escaping @Sendable (ResourceAddress, ChangeAction) -> Void = { _, _ in },
                progress: @escaping @Sendable (ResourceAddress, String) -> Void = { _, _ in },
                didApply: @escaping @Sendable (ResourceAddress, ChangeAction, Double, Diagnostic?) -> Void = { _, _, _, _ in },
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.willApply = willApply
        self.progress = progress
        self.didApply = didApply
        self.isCancelled = isCancelled
    }
}

/// What happened to each planned change during an apply.
public struct ApplyResult: Sendable {
    /// The outcome of one resource change.
    public enum Outcome: String, Sendable, Codable {
        /// The operation succeeded and is recorded in the state.
        case applied
        /// The operation failed; see the diagnostics.
        case failed
        /// The operation did not start (a dependency failed, the user interrupted, or a dependency cycle).
        case notAttempted = "not attempted"
    }

    /// Outcome per changed resource (no-ops are left out).
    public var outcomes: [(address: ResourceAddress, action: ChangeAction, outcome: Outcome)]
    /// Errors raised by failed operations.
    public var diagnostics: Diagnostics
    /// The state after the apply.
    public var state: StateFile

    /// True when every change was applied.
    public var succeeded: Bool { !diagnostics.hasErrors }
}
