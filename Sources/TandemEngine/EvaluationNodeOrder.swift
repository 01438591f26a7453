import TandemCore

/// The nodes of an expanded configuration in sort order (`EvaluationNode.<`), listed rather than sorted: module
/// instances by path, in each its input variables, locals, resource instances and outputs, and the instances of a
/// declaration in the order of their keys, which expansion sorted. Sorting 100,000 instances compared addresses about
/// 1.7 million times; listing them compares only the few declarations and names.
enum EvaluationNodeOrder {
    /// Every node of `expansion`: module inputs (of modules called from a module instance that exists), locals,
    /// resource and data source instances, and outputs.
    static func nodes(of expansion: Expansion) -> [EvaluationNode] {
        var result: [EvaluationNode] = []
        result.reserveCapacity(expansion.instances.count + expansion.modules.count * 8)
        for module in expansion.modules.values.sorted(by: { $0.path.lexicographicallyPrecedes($1.path) }) {
            let path = module.path
            let configuration = module.configuration
            if module.call != nil, expansion.modules[module.parentPath] != nil {
                result += configuration.variables.keys.sorted().map { .variable(path, $0) }
            }
            result += configuration.locals.keys.sorted().map { .local(path, $0) }
            for declaration in configuration.resources.map(\.address).sorted() {
                var group = declaration
                group.modulePath = path
                group.key = nil
                for key in expansion.shape(of: .resource(group)).keys {
                    var address = group
                    address.key = key
                    result.append(.resource(address))
                }
            }
            result += configuration.outputs.map(\.name).sorted().map { .output(path, $0) }
        }
        assert(zip(result, result.dropFirst()).allSatisfy { $0 < $1 }, "evaluation nodes listed out of sort order")
        return result
    }
}
