import TandemCore
import TandemLanguage

/// Where an expression is evaluated: a module instance, plus the `count`/`each` of the instance it belongs to.
struct ReferenceContext {
    /// The module instance whose names the expression sees.
    var module: ModuleInstance
    /// `count` or `each`, when the expression belongs to a repeated resource or module call.
    var names: [String: Value]
    /// What diagnostics name as the expression's owner.
    var subject: ReferenceSubject?
}

/// The owner of an expression that diagnostics name: its text is built only when a diagnostic needs it.
enum ReferenceSubject {
    /// An expression of a resource instance.
    case resource(ResourceAddress)
    /// A module call's input, written in the caller.
    case moduleCall(String)

    /// `aws_s3_bucket.replica["eu"]` or `module.NAME`.
    var description: String {
        switch self {
        case .resource(let address): return address.description
        case .moduleCall(let name): return "module.\(name)"
        }
    }
}

/// What one reference reads: the nodes that must be evaluated first, and the groups whose value the evaluator looks up.
struct ResolvedReference {
    /// Nodes the reference reads.
    var nodes: [EvaluationNode] = []
    /// Resource declarations and module calls the reference reads as a value.
    var groups: [InstanceGroup] = []
    /// For a resource reference, the attribute named after the instance (`arn` in `aws_sqs_queue.dlq["a"].arn`).
    var attribute: String?
}

/// Resolves references (`var.x`, `local.x`, `TYPE.NAME`, `data.TYPE.NAME`, `module.NAME.OUTPUT`, `each`, `count`,
/// `path`) to the nodes they read, reporting references to things that are not declared.
///
/// A class: the analyses holding one are copied whenever they call their own methods, and an expansion is dozens
/// of references to retain.
final class ReferenceResolver: Sendable {
    /// The instances that exist; their static scopes tell which instance an index such as `[each.key]` picks.
    let expansion: Expansion

    init(expansion: Expansion) {
        self.expansion = expansion
    }

    /// The nodes and groups `expression` reads in `context`.
    func resolve(_ expression: Expression, in context: ReferenceContext, diagnostics: inout Diagnostics) -> [ResolvedReference] {
        expression.traversals.map { resolve($0, in: context, diagnostics: &diagnostics) }
    }

    func resolve(_ traversal: Traversal, in context: ReferenceContext, diagnostics: inout Diagnostics) -> ResolvedReference {
        // The module and its configuration are read in place: copying them (dozens of references to retain) for
        // every reference, `each.key` included, was a tenth of building a large graph.
        let steps = traversal.steps
        func error(_ summary: String, _ detail: String) -> ResolvedReference {
            diagnostics.append(.error(summary, detail: detail, range: traversal.range, address: context.subject?.description))
            return ResolvedReference()
        }
        let firstName: String? = { if case .attribute(let name)? = steps.first { return name }; return nil }()
        switch traversal.root {
        case "var":
            guard let name = firstName else { return error("Invalid variable reference", "Write var.NAME.") }
            guard context.module.configuration.variables[name] != nil else {
                return error("Reference to undeclared variable \"\(name)\"",
                             "No variable named \"\(name)\" is declared\(context.module.path.isEmpty ? "" : " in this module").\(Suggestions.didYouMean(name, in: context.module.configuration.variables.keys))")
            }
            return ResolvedReference(nodes: context.module.path.isEmpty ? [] : [.variable(context.module.path, name)])
        case "local":
            guard let name = firstName else { return error("Invalid local value reference", "Write local.NAME.") }
            guard context.module.configuration.locals[name] != nil else {
                return error("Reference to undeclared local value \"\(name)\"",
                             "No local value \"\(name)\" is declared.\(Suggestions.didYouMean(name, in: context.module.configuration.locals.keys))")
            }
            return ResolvedReference(nodes: [.local(context.module.path, name)])
        case "each", "count":
            guard context.names[traversal.root] != nil else {
                return traversal.root == "each"
                    ? error("each is only available with for_each", "each.key and each.value exist inside a resource or module call that sets for_each.")
                    : error("count is only available with count", "count.index exists inside a resource or module call that sets count.")
            }
            let allowed = traversal.root == "each" ? ["key", "value"] : ["index"]
            if let name = firstName, !allowed.contains(name) {
                return error("Unsupported attribute \"\(name)\"", "\(traversal.root) has \(allowed.joined(separator: " and ")).\(Suggestions.didYouMean(name, in: allowed))")
            }
            return ResolvedReference()
        case "path":
            guard let name = firstName, name == "module" || name == "root" else {
                return error("Invalid path reference", "Write path.module (this module's directory) or path.root (the root module's).")
            }
            return ResolvedReference()
        case "module":
            return resolveModule(traversal, in: context, error: error)
        case "data":
            guard let names = traversal.leadingNames(3) else { return error("Invalid data source reference", "Write data.TYPE.NAME.ATTRIBUTE.") }
            return resolveResource(ResourceAddress(mode: .data, type: names[1], name: names[2]), after: 2, traversal: traversal, in: context, error: error)
        case "self":
            return error("self is not supported", "Refer to the resource by its address, TYPE.NAME.")
        default:
            guard traversal.root.contains("_"), let names = traversal.leadingNames(2) else {
                return error("Invalid reference \"\(traversal.text)\"",
                             "A reference is var.NAME, local.NAME, TYPE.NAME.ATTRIBUTE, data.TYPE.NAME.ATTRIBUTE, module.NAME.OUTPUT, each.key, each.value or count.index.")
            }
            return resolveResource(ResourceAddress(type: names[0], name: names[1]), after: 1, traversal: traversal, in: context, error: error)
        }
    }

    private func resolveResource(_ local: ResourceAddress, after nameStep: Int, traversal: Traversal, in context: ReferenceContext,
                                 error: (String, String) -> ResolvedReference) -> ResolvedReference {
        let configuration = context.module.configuration
        guard configuration.resource(local) != nil else {
            let declared = configuration.resources.filter { $0.address.mode == local.mode }.map(\.address.localName)
            let kind = local.mode == .data ? "data source" : "resource"
            return error("Reference to undeclared \(kind) \"\(local.localName)\"",
                         "No \(kind) \(local.localName) is declared\(context.module.path.isEmpty ? "" : " in this module").\(Suggestions.didYouMean(local.localName, in: declared))")
        }
        let group = ResourceAddress(modulePath: context.module.path, mode: local.mode, type: local.type, name: local.name)
        let shape = expansion.shape(of: .resource(group))
        var rest = traversal.steps.dropFirst(nameStep)
        let keys = selectKeys(shape, step: rest.first, in: context)
        if shape.kind != .single, case .index? = rest.first { rest = rest.dropFirst() }
        var attribute: String?
        if case .attribute(let name)? = rest.first, shape.kind == .single || keys.count == 1 { attribute = name }
        return ResolvedReference(nodes: keys.map { key in
            var address = group
            address.key = key
            return .resource(address)
        }, groups: [.resource(group)], attribute: attribute)
    }

    private func resolveModule(_ traversal: Traversal, in context: ReferenceContext, error: (String, String) -> ResolvedReference) -> ResolvedReference {
        let module = context.module
        guard case .attribute(let name)? = traversal.steps.first else { return error("Invalid module reference", "Write module.NAME.OUTPUT.") }
        guard let call = module.configuration.module(name) else {
            return error("Reference to undeclared module \"\(name)\"",
                         "No module call \"\(name)\" is declared.\(Suggestions.didYouMean(name, in: module.configuration.modules.map(\.name)))")
        }
        guard let child = call.configuration else { return ResolvedReference() }
        let group = InstanceGroup.module(parent: module.path, name: name)
        let shape = expansion.shape(of: group)
        var rest = traversal.steps.dropFirst()
        let keys = selectKeys(shape, step: rest.first, in: context)
        if shape.kind != .single, case .index? = rest.first { rest = rest.dropFirst() }
        var outputs = child.outputs.map(\.name)
        if case .attribute(let output)? = rest.first, shape.kind == .single || keys.count == 1 {
            guard outputs.contains(output) else {
                return error("Module \"\(name)\" has no output \"\(output)\"",
                             "Its outputs are \(outputs.isEmpty ? "none" : outputs.joined(separator: ", ")).\(Suggestions.didYouMean(output, in: outputs))")
            }
            outputs = [output]
        }
        let nodes = keys.flatMap { key in outputs.map { EvaluationNode.output(module.path + [ModuleStep(name, key: key)], $0) } }
        return ResolvedReference(nodes: nodes, groups: [group])
    }

    /// The instances an index step picks: the one named by `[KEY]` when the key is known before planning, else all.
    private func selectKeys(_ shape: GroupShape, step: TraversalStep?, in context: ReferenceContext) -> [InstanceKey?] {
        guard shape.kind != .single, case .index(let expression)? = step, var scope = expansion.staticScopes[context.module.path] else { return shape.keys }
        scope.names.merge(context.names) { $1 }
        var ignored = Diagnostics()
        let key: InstanceKey?
        switch Evaluator(scope: scope).evaluate(expression, diagnostics: &ignored) {
        case .string(let text) where shape.kind == .map: key = .key(text)
        case let value where shape.kind == .list: key = value.intValue.map { .index($0) }
        default: key = nil
        }
        guard let key, shape.keysKnown else { return shape.keys }
        // A key known now that names no instance reads nothing (evaluation reports it if the branch is taken).
        return shape.contains(key) ? [key] : []
    }
}
