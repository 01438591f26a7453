import AWSClient
import Foundation

/// The RGW admin ops REST API (`/admin/user`, SigV4 like S3), for users: what an operator with HTTP access and an
/// admin user's keys (caps `users=*`) can do without radosgw-admin. Secrets travel in the signed request, never in
/// a process's arguments.
public struct RGWAdminOps: Sendable {
    let http: SignedHTTPClient

    /// Creates a client for the gateway at `configuration`'s endpoint.
    public init(configuration: AWSClientConfiguration, transport: AWSTransport) {
        http = SignedHTTPClient(configuration: configuration, transport: transport, serviceName: "RGW admin", signingService: "s3")
    }

    /// The user; nil when there is none.
    public func user(_ uid: String) async throws -> RGWUser? {
        do {
            return try decode(try await http.send("GET", path: "/admin/user", query: [("uid", uid), ("format", "json")]))
        } catch let error as AWSServiceError where error.code == "NoSuchUser" || error.code == "NoSuchKey" || error.statusCode == 404 {
            return nil
        }
    }

    /// Creates a user; keys are generated unless given. `settings` are admin-API parameters such as
    /// `display-name`, `email`, `user-caps`, `max-buckets`, `system`, `suspended`.
    public func createUser(_ uid: String, settings: [(name: String, value: String)], accessKey: String?, secretKey: String?) async throws -> RGWUser {
        var query = [("uid", uid), ("format", "json")] + settings
        if let accessKey { query.append(("access-key", accessKey)) }
        if let secretKey { query.append(("secret-key", secretKey)) }
        if accessKey == nil && secretKey == nil { query.append(("generate-key", "true")) }
        return try decode(try await http.send("PUT", path: "/admin/user", query: query))
    }

    /// Changes a user's settings (`display-name`, `email`, `max-buckets`, `suspended`, `system`).
    public func modifyUser(_ uid: String, settings: [(name: String, value: String)]) async throws {
        _ = try await http.send("POST", path: "/admin/user", query: [("uid", uid), ("format", "json")] + settings)
    }

    /// Deletes a user (and with `purgeData` its buckets and objects).
    public func removeUser(_ uid: String, purgeData: Bool) async throws {
        _ = try await http.send("DELETE", path: "/admin/user", query: [("uid", uid), ("purge-data", purgeData ? "true" : "false")])
    }

    /// Adds capabilities, `type=perm;type=perm`.
    public func addCaps(_ uid: String, _ caps: String) async throws {
        _ = try await http.send("PUT", path: "/admin/user", query: [("caps", ""), ("uid", uid), ("user-caps", caps)])
    }

    /// Removes capabilities, `type=perm;type=perm`.
    public func removeCaps(_ uid: String, _ caps: String) async throws {
        _ = try await http.send("DELETE", path: "/admin/user", query: [("caps", ""), ("uid", uid), ("user-caps", caps)])
    }

    /// Adds an S3 key.
    public func createKey(_ uid: String, accessKey: String, secretKey: String) async throws {
        _ = try await http.send("PUT", path: "/admin/user", query: [("key", ""), ("uid", uid), ("key-type", "s3"),
                                                                     ("access-key", accessKey), ("secret-key", secretKey)])
    }

    /// Removes an S3 key.
    public func removeKey(_ uid: String, accessKey: String) async throws {
        _ = try await http.send("DELETE", path: "/admin/user", query: [("key", ""), ("uid", uid), ("key-type", "s3"), ("access-key", accessKey)])
    }

    private func decode<T: Decodable>(_ body: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw RadosGWAdminError(command: "RGW admin API", status: 0, message: "unexpected answer (\(error)): \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
    }
}
