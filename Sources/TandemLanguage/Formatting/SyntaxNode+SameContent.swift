extension SyntaxNode {
    /// True when `other` holds the same data: scalars with the same text and type, lists with the same items in
    /// order, maps with the same keys and values in any order. Source positions are ignored.
    func hasSameContent(as other: SyntaxNode) -> Bool {
        switch (kind, other.kind) {
        case (.scalar(let left), .scalar(let right)):
            return left.text == right.text && left.type == right.type
        case (.sequence(let left), .sequence(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.hasSameContent(as: $1) }
        case (.mapping(let left), .mapping(let right)):
            return left.count == right.count && left.allSatisfy { entry in
                right.first { $0.key == entry.key }.map { entry.value.hasSameContent(as: $0.value) } ?? false
            }
        default:
            return false
        }
    }
}
