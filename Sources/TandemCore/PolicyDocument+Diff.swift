/// How one statement of a policy document changes between two versions of the document.
public struct PolicyStatementChange: Sendable, Equatable {
    /// Added, removed or changed.
    public enum Kind: String, Sendable {
        /// Only in the new document.
        case added
        /// Only in the old document.
        case removed
        /// Same `Sid`, different elements.
        case changed
    }

    /// What happens to the statement.
    public var kind: Kind
    /// The statement's `Sid`, when it has one.
    public var sid: String?
    /// The statement before (nil when added).
    public var before: Value?
    /// The statement after (nil when removed).
    public var after: Value?

    /// Creates a statement change.
    public init(kind: Kind, sid: String?, before: Value?, after: Value?) {
        self.kind = kind
        self.sid = sid
        self.before = before
        self.after = after
    }

    /// The elements (Action, Resource, …) whose values differ, sorted, for a changed statement.
    public var changedElements: [String] {
        let keys = Set((before?.mapValue ?? [:]).keys).union((after?.mapValue ?? [:]).keys)
        return keys.filter { before?[$0] != after?[$0] }.sorted()
    }
}

extension PolicyDocument {
    /// True when `value` has the shape of a policy document (a map with a `Statement`), so a plan can show it
    /// statement by statement.
    public static func isPolicy(_ value: Value?) -> Bool {
        guard case .map(let entries)? = value, let statement = entries["Statement"] else { return false }
        return statement.listValue != nil || statement.mapValue != nil
    }

    /// The statement-level difference between two normalized documents: statements with a `Sid` are matched by
    /// it; statements without one are matched when equal, otherwise shown as removed and added.
    public static func statementChanges(before: Value?, after: Value?) -> [PolicyStatementChange] {
        let old = statements(of: before)
        let new = statements(of: after)
        func sid(_ statement: Value) -> String? { statement["Sid"].stringValue }
        var changes: [PolicyStatementChange] = []
        let newBySid = Dictionary(new.compactMap { statement in sid(statement).map { ($0, statement) } }) { first, _ in first }
        let oldSids = Set(old.compactMap(sid))
        var unmatchedNew = new.filter { sid($0) == nil }
        for statement in old {
            if let name = sid(statement) {
                if let replacement = newBySid[name] {
                    if replacement != statement { changes.append(PolicyStatementChange(kind: .changed, sid: name, before: statement, after: replacement)) }
                } else {
                    changes.append(PolicyStatementChange(kind: .removed, sid: name, before: statement, after: nil))
                }
            } else if let index = unmatchedNew.firstIndex(of: statement) {
                unmatchedNew.remove(at: index)
            } else {
                changes.append(PolicyStatementChange(kind: .removed, sid: nil, before: statement, after: nil))
            }
        }
        for statement in new where sid(statement).map({ !oldSids.contains($0) }) ?? false {
            changes.append(PolicyStatementChange(kind: .added, sid: sid(statement), before: nil, after: statement))
        }
        changes += unmatchedNew.map { PolicyStatementChange(kind: .added, sid: nil, before: nil, after: $0) }
        return changes
    }
}
