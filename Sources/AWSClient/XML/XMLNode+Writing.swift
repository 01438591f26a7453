extension XMLNode {
    /// The S3 namespace that request bodies declare on their root element.
    static let s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    /// The element as a UTF-8 document with an XML declaration.
    func document() -> [UInt8] {
        Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + rendered()).utf8)
    }

    /// The element and its children, without a declaration or added whitespace.
    func rendered() -> String {
        var output = ""
        render(into: &output)
        return output
    }

    private func render(into output: inout String) {
        output += "<" + name
        for key in attributes.keys.sorted() {
            output += " \(key)=\"\(Self.escape(attributes[key]!, quotes: true))\""
        }
        if children.isEmpty && text.isEmpty {
            output += "/>"
            return
        }
        output += ">" + Self.escape(text, quotes: false)
        for child in children {
            child.render(into: &output)
        }
        output += "</\(name)>"
    }

    /// Escapes the characters that cannot appear literally in text or attribute values.
    /// Carriage returns are escaped so parsers do not normalise them away.
    static func escape(_ value: String, quotes: Bool) -> String {
        var result = ""
        result.reserveCapacity(value.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where quotes: result += "&quot;"
            case "'" where quotes: result += "&apos;"
            case "\r": result += "&#13;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
