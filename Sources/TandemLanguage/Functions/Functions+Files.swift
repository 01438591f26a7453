import Foundation
import TandemCore

extension Functions {
    /// Reading files next to the configuration.
    static let files: [String: Implementation] = [
        "file": { args, context throws(Failure) in
            try args.expect(1...1)
            return .string(try read(try args.string(0), context: context, function: "file"))
        },
        "templatefile": { args, context throws(Failure) in
            try args.expect(2...2)
            let path = try args.string(0)
            let text = try read(path, context: context, function: "templatefile")
            let variables = try args.map(1)
            var diagnostics = Diagnostics()
            // The template sees only the given variables, by bare name (`${bucket}`), as in Terraform.
            let template = TemplateParser(text: text, file: path, start: SourcePosition(line: 1, column: 1))
            let result: Value
            switch template.parse() {
            case .failure(let diagnostic):
                throw Failure("templatefile(): \(diagnostic.range?.description ?? path): \(diagnostic.summary)")
            case .success(let expression):
                result = Evaluator(scope: EvaluationScope(names: variables, baseDirectory: context.baseDirectory, files: context.files))
                    .evaluate(expression, diagnostics: &diagnostics)
            }
            if let error = diagnostics.errors.first {
                throw Failure("templatefile(): \(error.range?.description ?? path): \(error.summary)")
            }
            guard let rendered = result.asTemplateString else { throw Failure("templatefile(): the template produced a \(result.typeName), not text") }
            return .string(rendered)
        },
    ]

    private static func read(_ path: String, context: Context, function: String) throws(Failure) -> String {
        guard let base = context.baseDirectory else { throw Failure("\(function)(): files cannot be read here") }
        let full = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
        switch context.files.read(full, shownAs: path) {
        case .success(let text)?: return text
        case .failure(let problem)?: throw Failure("\(function)(): \(problem.range): \(problem.detail)")
        case nil: throw Failure("\(function)(): no file at \(path)")
        }
    }
}
