import TandemCore
import TandemLanguage
import TandemState

/// Applies `moved:` entries to the prior state before planning, so a renamed resource keeps its object.
enum StateMoves {
    /// Renames the moved objects in `state`; returns each new address with the address it had. An entry without
    /// instance keys moves every instance (`aws_sqs_queue.a` -> `aws_sqs_queue.b` moves `a["eu"]` to `b["eu"]`).
    /// An entry whose old address is not in the state does nothing (it was applied already, or never existed).
    ///
    /// Entries are applied until none moves anything more, so a chain (`a` -> `b`, `b` -> `c`) ends at `c` in any order.
    static func apply(_ moved: [MovedDeclaration], to state: inout StateFile, diagnostics: inout Diagnostics) -> [ResourceAddress: ResourceAddress] {
        var origins: [ResourceAddress: ResourceAddress] = [:]
        var reported: Set<Int> = []
        for _ in 0...moved.count {
            var movedAny = false
            for (index, entry) in moved.enumerated() {
                for (old, new) in pairs(entry, in: state) {
                    guard state.resource(new) == nil else {
                        if reported.insert(index).inserted {
                            diagnostics.append(.error("Cannot move \(old) to \(new)",
                                                      detail: "Both addresses are in the state. Remove one of them with tandem state rm, or remove this moved entry.",
                                                      range: entry.range))
                        }
                        continue
                    }
                    state.move(old, to: new)
                    origins[new] = origins.removeValue(forKey: old) ?? old
                    movedAny = true
                }
            }
            if !movedAny { break }
        }
        return origins
    }

    /// The state entries `entry` moves, with their new addresses.
    private static func pairs(_ entry: MovedDeclaration, in state: StateFile) -> [(ResourceAddress, ResourceAddress)] {
        guard entry.from.key == nil, entry.to.key == nil else {
            return state.resource(entry.from) == nil ? [] : [(entry.from, entry.to)]
        }
        return state.resources.map(\.address).filter { $0.declaration == entry.from }.map { old in
            var new = entry.to
            new.key = old.key
            return (old, new)
        }
    }
}
