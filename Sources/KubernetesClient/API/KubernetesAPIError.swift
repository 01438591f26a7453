import Foundation
import TandemCore

/// A request the API server refused, from its `Status` object: HTTP status, reason, message and per-field causes.
public struct KubernetesAPIError: Error, Sendable, CustomStringConvertible {
    /// One cause of a refusal (422 validation errors, 409 apply conflicts).
    public struct Cause: Sendable, Equatable {
        /// The machine-readable reason (`FieldValueInvalid`, `FieldManagerConflict`, ...).
        public var reason: String?
        /// The server's message.
        public var message: String?
        /// The field path as the server writes it (`spec.replicas`, `.spec.x`, `metadata.labels[app]`).
        public var field: String?
    }

    /// What was being done ("apply CephObjectRealm rook-ceph/realm-a").
    public let operation: String
    /// The HTTP status.
    public let statusCode: Int
    /// The Status reason (`NotFound`, `Conflict`, `Invalid`, `Forbidden`, ...).
    public let reason: String?
    /// The server's message.
    public let message: String
    /// Per-field causes.
    public let causes: [Cause]

    init(operation: String, statusCode: Int, body: [UInt8]) {
        self.operation = operation
        self.statusCode = statusCode
        let status = try? Value(jsonData: Data(body))
        if let status, status["kind"].stringValue == "Status" {
            reason = status["reason"].stringValue
            message = status["message"].stringValue ?? "HTTP \(statusCode)"
            causes = (status["details"]["causes"].listValue ?? []).map {
                Cause(reason: $0["reason"].stringValue, message: $0["message"].stringValue, field: $0["field"].stringValue)
            }
        } else {
            reason = nil
            let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            message = text.isEmpty || text.contains("\u{FFFD}") ? "HTTP \(statusCode)" : text
            causes = []
        }
    }

    /// True for 404.
    public var isNotFound: Bool { statusCode == 404 }
    /// True for a server-side apply conflict with another field manager.
    public var isConflict: Bool { statusCode == 409 }

    /// The other managers named by an apply conflict, in order of appearance.
    public var conflictingManagers: [String] {
        var names: [String] = []
        for cause in causes where cause.reason == "FieldManagerConflict" {
            guard let message = cause.message, let start = message.range(of: "conflict with \"") else { continue }
            let rest = message[start.upperBound...]
            if let end = rest.firstIndex(of: "\""), !names.contains(String(rest[..<end])) { names.append(String(rest[..<end])) }
        }
        return names
    }

    /// `operation: reason (status): message`, then one line per cause.
    public var description: String {
        var text = "\(operation): \(reason ?? "HTTP") (\(statusCode)): \(message)"
        if isConflict, !conflictingManagers.isEmpty {
            text += "\nfields managed by \(conflictingManagers.joined(separator: ", ")): "
                + causes.compactMap(\.field).joined(separator: ", ")
                + "\nset force_conflicts: true on the resource to take them over, or stop the other manager from writing them"
        }
        return text
    }
}

/// The API server could not be reached or answered with something that is not the Kubernetes API.
public struct KubernetesConnectionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the server.
    public let description: String

    init(_ description: String) { self.description = description }
}
