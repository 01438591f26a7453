import Foundation

/// The sections of an AWS shared config or credentials file (an INI dialect).
///
/// Section names are kept as written (`default`, `profile prod`); keys are lower-cased.
/// Indented lines (the nested `s3 =` style blocks) are skipped: no credential key lives there.
struct AWSConfigFile: Sendable, Equatable {
    var sections: [String: [String: String]]

    /// Parses the text of a config or credentials file. Malformed lines are ignored,
    /// as the AWS CLI does.
    init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if let first = rawLine.first, first == " " || first == "\t" {
                continue
            }
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") {
                continue
            }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { current = nil; continue }
                let name = line[line.index(after: line.startIndex)..<close]
                    .split(whereSeparator: \.isWhitespace).joined(separator: " ")
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            // Inline comments need a space before the marker, so `#` inside a secret survives.
            if let range = value.range(of: " #") ?? value.range(of: " ;") {
                value = value[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            sections[section, default: [:]][key] = value
        }
        self.sections = sections
    }

    /// Loads a file; `nil` when it does not exist or cannot be read.
    static func load(path: String) -> AWSConfigFile? {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else { return nil }
        return AWSConfigFile(parsing: text)
    }

    /// The section of a credentials file for a profile: `[name]`.
    func credentialsSection(profile: String) -> [String: String]? {
        sections[profile]
    }

    /// The section of a config file for a profile: `[profile name]`, or `[default]` for the default profile.
    func configSection(profile: String) -> [String: String]? {
        if profile == "default" {
            return sections["default"] ?? sections["profile default"]
        }
        return sections["profile \(profile)"]
    }
}

/// Where the shared AWS files are, following the AWS CLI's environment variables.
enum AWSSharedFiles {
    static func credentialsPath(environment: [String: String]) -> String {
        if let path = environment.nonEmpty("AWS_SHARED_CREDENTIALS_FILE") { return expandTilde(path, environment) }
        return homeDirectory(environment) + "/.aws/credentials"
    }

    static func configPath(environment: [String: String]) -> String {
        if let path = environment.nonEmpty("AWS_CONFIG_FILE") { return expandTilde(path, environment) }
        return homeDirectory(environment) + "/.aws/config"
    }

    static func homeDirectory(_ environment: [String: String]) -> String {
        environment.nonEmpty("HOME") ?? NSHomeDirectory()
    }

    static func expandTilde(_ path: String, _ environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return homeDirectory(environment) + path.dropFirst()
    }
}

extension Dictionary where Key == String, Value == String {
    /// The value for `key` unless it is missing or empty (an exported but empty variable counts as unset).
    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key], !value.isEmpty else { return nil }
        return value
    }
}
