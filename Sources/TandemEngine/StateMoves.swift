import TandemCore
import TandemLanguage
import TandemState

/// Applies `moved:` entries to the prior state before planning, so a renamed resource keeps its object.
enum StateMoves {
    /// Renames the moved objects in `state`; returns each new address with the address it had. An entry without
    /// instance keys moves every instance (`aws_sqs_queue.a` -> `aws_sqs_queue.b` moves `a["eu"]` to `b["eu"]`).
    /// An entry whose old address is not in the state does nothing (it was applied already, or never existed).
    static func apply(_ moved: [MovedDeclaration], to state: inout StateFile, diagnostics: inout Diagnostics) -> [ResourceAddress: ResourceAddress] {
        var origins: [ResourceAddress: ResourceAddress] = [:]
        for entry in moved {
            let pairs: [(ResourceAddress, ResourceAddress)]
            if entry.from.key == nil, entry.to.key == nil {
                pairs = state.resources.map(\.address).filter { $0.declaration == entry.from }.map { old in
                    var new = entry.to
                    new.key = old.key
                    return (old, new)
                }
            } else {
                pairs = state.resource(entry.from) == nil ? [] : [(entry.from, entry.to)]
            }
            for (old, new) in pairs {
                guard state.resource(new) == nil else {
                    diagnostics.append(.error("Cannot move \(old) to \(new)",
                                              detail: "Both addresses are in the state. Remove one of them with tandem state rm, or remove this moved entry.",
                                              range: entry.range))
                    continue
                }
                state.move(old, to: new)
                origins[new] = origins.removeValue(forKey: old) ?? old
            }
        }
        return origins
    }
}
