/// Large values a command leaves for the process's exit to free: freeing a plan of 100k resources piece by piece took
/// 2 % of `tandem plan`'s time, while the exit returns the whole address space at once. Only for values a command
/// holds until it returns anyway.
enum KeptUntilExit {
    private final class Holder<Kept> {
        let kept: Kept
        init(_ kept: Kept) { self.kept = kept }
    }

    /// Keeps `value` (one more reference to its storage, never released).
    static func keep<Kept>(_ value: Kept) {
        _ = Unmanaged.passRetained(Holder(value))
    }
}
