import Foundation
import TandemCore

/// The files a configuration reads with `file()` and `templatefile()`, found without evaluating anything, so
/// `tandem review` knows which stacks a changed file affects.
public struct FileReads: Sendable, Equatable {
    /// Paths given as constants, joined to the directory of the module that reads them.
    public var paths: Set<String> = []
    /// Module directories (of this configuration or a module it calls) where a path is computed: any file there may be read.
    public var computedIn: Set<String> = []

    /// No reads.
    public init() {}
}

extension Configuration {
    /// The files this configuration and the modules it calls read with `file()` / `templatefile()`.
    public var fileReads: FileReads {
        var reads = FileReads()
        collectFileReads(into: &reads)
        return reads
    }

    /// The directories of this configuration and of every module it calls (transitively); a call whose module could
    /// not be loaded (deleted, misnamed) still names its directory.
    public var moduleDirectories: [String] {
        [directory] + modules.flatMap { call in
            call.configuration?.moduleDirectories
                ?? [call.source.hasPrefix("/") ? call.source : (directory as NSString).appendingPathComponent(call.source)]
        }
    }

    private func collectFileReads(into reads: inout FileReads) {
        var expressions: [Expression] = locals.values.map(\.value) + providers.values.map(\.body) + outputs.map(\.value)
        expressions += resources.flatMap { [$0.body] + ($0.repetition.map { [$0.expression] } ?? []) }
        expressions += modules.flatMap { $0.inputs.map(\.value) + ($0.repetition.map { [$0.expression] } ?? []) }
        expressions += variables.values.flatMap { $0.validations.map(\.condition) }
        for call in expressions.flatMap({ $0.calls(named: ["file", "templatefile"]) }) {
            if let path = call.first?.constantText {
                reads.paths.insert(path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path))
            } else {
                reads.computedIn.insert(directory)
            }
        }
        for module in modules { module.configuration?.collectFileReads(into: &reads) }
    }
}

extension Expression {
    /// The arguments of every call of one of `names` anywhere inside the expression.
    func calls(named names: Set<String>) -> [[Expression]] {
        var found: [[Expression]] = []
        visit { expression in
            if case .call(let name, let arguments, _) = expression, names.contains(name) { found.append(arguments) }
        }
        return found
    }

    /// Calls `body` with this expression and every expression inside it.
    private func visit(_ body: (Expression) -> Void) {
        body(self)
        switch self {
        case .literal: break
        case .traversal(let traversal):
            for case .index(let step) in traversal.steps { step.visit(body) }
        case .template(let parts, _):
            for case .interpolation(let part) in parts { part.visit(body) }
        case .index(let a, let b, _), .binary(_, let a, let b, _):
            a.visit(body)
            b.visit(body)
        case .attribute(let a, _, _), .unary(_, let a, _): a.visit(body)
        case .call(_, let arguments, _), .list(let arguments, _): arguments.forEach { $0.visit(body) }
        case .conditional(let a, let b, let c, _):
            a.visit(body)
            b.visit(body)
            c.visit(body)
        case .object(let entries, _): entries.forEach { $0.value.visit(body) }
        }
    }

    /// The text of a string constant (a literal, or a template without interpolations); nil otherwise.
    var constantText: String? {
        switch self {
        case .literal(.string(let text), _): return text
        case .template(let parts, _):
            var text = ""
            for part in parts {
                guard case .text(let piece) = part else { return nil }
                text += piece
            }
            return text
        default: return nil
        }
    }
}
