import Foundation

extension ObjectSync {
    /// A sync as a file (keys included: keep it 0600, or in a Secret): what `tandem migration run --config` runs in a
    /// `tandem_migration`'s Kubernetes Job.
    public struct Document: Codable, Sendable, Equatable {
        /// Where objects come from.
        public var source: EndpointConfiguration
        /// Where they go.
        public var target: EndpointConfiguration
        /// How.
        public var options: Options

        /// Creates a document.
        public init(source: EndpointConfiguration, target: EndpointConfiguration, options: Options) {
            self.source = source
            self.target = target
            self.options = options
        }

        /// The document as JSON, keys sorted.
        public func json() throws -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(self)
        }

        /// Reads a document; `path` names it in errors.
        public static func decode(_ data: Data, path: String) throws -> Document {
            do {
                return try JSONDecoder().decode(Document.self, from: data)
            } catch {
                throw ConfigurationError("\(path) is not a sync document: \(error)")
            }
        }
    }

    /// A sync of what `document` describes, its endpoints trusting the CAs `environment` names (`AWS_CA_BUNDLE`)
    /// besides their own `ca_bundle`.
    public init(_ document: Document, environment: [String: String]) throws {
        self.init(source: try document.source.loadingTrust(environment: environment), target: try document.target.loadingTrust(environment: environment),
                  options: document.options)
    }

    /// What this sync runs, as a document.
    public var document: Document {
        Document(source: source, target: target, options: options)
    }
}
