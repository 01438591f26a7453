import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A minimal XML element tree: enough to read AWS responses and write request bodies.
///
/// Mixed content is not modelled: `text` is the concatenated character data directly inside
/// the element. It is kept exactly for leaf elements (a tag value may have spaces) and trimmed
/// for elements with children (where it is only indentation).
struct XMLNode: Sendable, Equatable {
    var name: String
    var attributes: [String: String]
    var children: [XMLNode]
    var text: String

    init(_ name: String, attributes: [String: String] = [:], text: String = "", children: [XMLNode] = []) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first direct child named `name`.
    func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    /// All direct children named `name`.
    func children(named name: String) -> [XMLNode] {
        children.filter { $0.name == name }
    }

    /// The text of the first direct child named `name`.
    func childText(_ name: String) -> String? {
        child(name)?.text
    }

    /// The first element named `name` in a depth-first search that includes this element.
    func firstDescendant(named name: String) -> XMLNode? {
        if self.name == name { return self }
        for child in children {
            if let found = child.firstDescendant(named: name) { return found }
        }
        return nil
    }

    /// Parses a document and returns its root element.
    static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        let parser = XMLParser(data: Data(bytes))
        let builder = TreeBuilder()
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), let root = builder.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw AWSClientError(.invalidResponse, "the response is not valid XML (\(reason))")
        }
        return root
    }
}

/// Collects `XMLParser` events into an ``XMLNode`` tree. Used synchronously by one parse.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [XMLNode] = []
    private(set) var root: XMLNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        stack.append(XMLNode(elementName, attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard var node = stack.popLast() else { return }
        if !node.children.isEmpty {
            node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }
}
