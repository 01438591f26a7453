import TandemCore

/// An expression of the configuration language, with the source range it came from.
///
/// YAML structure (maps and lists) and `${ ... }` expressions share this one tree, so evaluation and
/// reference analysis treat a whole attribute body uniformly.
public indirect enum Expression: Sendable {
    /// A constant.
    case literal(Value, SourceRange)
    /// A string with interpolations; the result is always a string.
    case template([TemplatePart], SourceRange)
    /// A named root (`var`, `aws_s3_bucket`, ...) followed by attribute and index steps.
    case traversal(Traversal)
    /// `collection[key]` or `object.name` applied to a computed value.
    case index(Expression, Expression, SourceRange)
    /// `object.name` applied to a computed value.
    case attribute(Expression, String, SourceRange)
    /// A function call.
    case call(String, [Expression], SourceRange)
    /// `!x` or `-x`.
    case unary(UnaryOperator, Expression, SourceRange)
    /// `a + b`, `a == b`, `a && b`, ...
    case binary(BinaryOperator, Expression, Expression, SourceRange)
    /// `condition ? a : b`.
    case conditional(Expression, Expression, Expression, SourceRange)
    /// A list constructor (YAML sequence or `[a, b]`).
    case list([Expression], SourceRange)
    /// A map constructor (YAML mapping or `{k = v}`), entries in source order.
    case object([ObjectEntry], SourceRange)

    /// The source range of the whole expression.
    public var range: SourceRange {
        switch self {
        case .literal(_, let r), .template(_, let r), .index(_, _, let r), .attribute(_, _, let r), .call(_, _, let r),
             .unary(_, _, let r), .binary(_, _, _, let r), .conditional(_, _, _, let r), .list(_, let r), .object(_, let r):
            return r
        case .traversal(let t):
            return t.range
        }
    }

    /// Every traversal that appears anywhere inside the expression (for dependency analysis).
    public var traversals: [Traversal] {
        var result: [Traversal] = []
        appendTraversals(to: &result)
        return result
    }

    /// Appends the traversals in one array (concatenating an array per subexpression cost a plan of many instances
    /// an allocation per node).
    private func appendTraversals(to result: inout [Traversal]) {
        switch self {
        case .literal: return
        case .traversal(let t):
            // `q[local.k]` reads local.k too.
            result.append(t)
            for case .index(let e) in t.steps { e.appendTraversals(to: &result) }
        case .template(let parts, _):
            for case .interpolation(let e) in parts { e.appendTraversals(to: &result) }
        case .index(let a, let b, _), .binary(_, let a, let b, _):
            a.appendTraversals(to: &result)
            b.appendTraversals(to: &result)
        case .attribute(let a, _, _), .unary(_, let a, _):
            a.appendTraversals(to: &result)
        case .call(_, let args, _), .list(let args, _):
            for argument in args { argument.appendTraversals(to: &result) }
        case .conditional(let a, let b, let c, _):
            a.appendTraversals(to: &result)
            b.appendTraversals(to: &result)
            c.appendTraversals(to: &result)
        case .object(let entries, _):
            for entry in entries { entry.value.appendTraversals(to: &result) }
        }
    }
}

/// A piece of a string template.
public enum TemplatePart: Sendable {
    /// Literal text (with `$${` already unescaped).
    case text(String)
    /// A `${ expression }`.
    case interpolation(Expression)
}

/// One `key: value` entry of an object constructor.
public struct ObjectEntry: Sendable {
    /// The key.
    public var key: String
    /// Where the key is.
    public var keyRange: SourceRange
    /// The value expression.
    public var value: Expression

    /// Creates an entry.
    public init(key: String, keyRange: SourceRange, value: Expression) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}

/// A reference: a root name followed by steps, e.g. `aws_sqs_queue.dlq.arn` or `var.tags["app"]`.
public struct Traversal: Sendable {
    /// The root name (`var`, `local`, a resource type, ...).
    public var root: String
    /// The steps after the root.
    public var steps: [TraversalStep]
    /// The range of the whole traversal.
    public var range: SourceRange

    /// Creates a traversal.
    public init(root: String, steps: [TraversalStep], range: SourceRange) {
        self.root = root
        self.steps = steps
        self.range = range
    }

    /// The first `count` names of the traversal when they are all attribute steps (`["aws_s3_bucket", "replica"]`).
    public func leadingNames(_ count: Int) -> [String]? {
        var names = [root]
        for step in steps.prefix(count - 1) {
            guard case .attribute(let name) = step else { return nil }
            names.append(name)
        }
        return names.count == count ? names : nil
    }

    /// The traversal as the user wrote it.
    public var text: String {
        root + steps.map(\.text).joined()
    }
}

/// One step of a traversal.
public enum TraversalStep: Sendable {
    /// `.name`
    case attribute(String)
    /// `[expression]`
    case index(Expression)

    /// The step as source text (index expressions are shown when they are literals).
    public var text: String {
        switch self {
        case .attribute(let name): return ".\(name)"
        case .index(.literal(.number(let n), _)): return "[\(Value.format(number: n))]"
        case .index(.literal(.string(let s), _)): return "[\"\(s)\"]"
        case .index: return "[...]"
        }
    }
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable {
    /// Logical not.
    case not = "!"
    /// Arithmetic negation.
    case negate = "-"
}

/// Infix operators, from lowest to highest precedence group.
public enum BinaryOperator: String, Sendable {
    /// Logical or.
    case or = "||"
    /// Logical and.
    case and = "&&"
    /// Equality of any two values.
    case equal = "=="
    /// Inequality.
    case notEqual = "!="
    /// Numeric less than.
    case less = "<"
    /// Numeric less than or equal.
    case lessOrEqual = "<="
    /// Numeric greater than.
    case greater = ">"
    /// Numeric greater than or equal.
    case greaterOrEqual = ">="
    /// Addition.
    case add = "+"
    /// Subtraction.
    case subtract = "-"
    /// Multiplication.
    case multiply = "*"
    /// Division.
    case divide = "/"
    /// Remainder.
    case modulo = "%"
}
