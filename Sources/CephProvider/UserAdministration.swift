import AWSClient
import CephClient
import TandemEngine

/// Which user a `ceph_user` is: uid, tenant, and (radosgw-admin only) the realm and zone to run in.
struct UserScope: Sendable {
    var uid: String
    var tenant: String?
    var realm: String?
    var zone: String?

    /// `tenant$uid`, as RGW names a tenanted user.
    var qualified: String { tenant.map { "\($0)$\(uid)" } ?? uid }
}

/// A user's settings other than keys and caps.
struct UserSettings: Sendable {
    var displayName: String
    var email: String
    var system: Bool
    var maxBuckets: Int?
}

/// The user operations `ceph_user` needs, by radosgw-admin or by the admin ops REST API (provider setting
/// `user_management`). Both read back the same JSON.
protocol UserAdministration: Sendable {
    func info(_ user: UserScope) async throws -> RGWUser?
    func create(_ user: UserScope, settings: UserSettings, caps: String, accessKey: String?, secretKey: String?) async throws -> RGWUser
    func modify(_ user: UserScope, settings: UserSettings) async throws
    func setSuspended(_ user: UserScope, _ suspended: Bool) async throws
    func addCaps(_ user: UserScope, _ caps: String) async throws
    func removeCaps(_ user: UserScope, _ caps: String) async throws
    func createKey(_ user: UserScope, accessKey: String, secretKey: String) async throws
    func removeKey(_ user: UserScope, accessKey: String) async throws
    /// Deletes the user (nothing when it is gone); throws `UserOwnsBuckets` when it still owns buckets.
    func remove(_ user: UserScope, purgeData: Bool) async throws
}

/// The user still owns buckets and data was not to be purged.
struct UserOwnsBuckets: Error {
    let detail: String
}

/// Users through radosgw-admin; secrets on standard input.
struct RadosGWAdminUsers: UserAdministration {
    let admin: RadosGWAdmin

    private func arguments(_ user: UserScope) -> [String] {
        ["--uid=\(user.uid)"] + [user.tenant.map { "--tenant=\($0)" }, user.realm.map { "--rgw-realm=\($0)" }, user.zone.map { "--rgw-zone=\($0)" }]
            .compactMap { $0 }
    }

    private func options(_ settings: UserSettings) -> [String] {
        ["--display-name=\(settings.displayName)", "--email=\(settings.email)", "--system=\(settings.system)"]
            + (settings.maxBuckets.map { ["--max-buckets=\($0)"] } ?? [])
    }

    func info(_ user: UserScope) async throws -> RGWUser? {
        try await admin.jsonIfExists(["user", "info"] + arguments(user), as: RGWUser.self)
    }

    func create(_ user: UserScope, settings: UserSettings, caps: String, accessKey: String?, secretKey: String?) async throws -> RGWUser {
        try await admin.json(["user", "create"] + arguments(user) + options(settings) + (caps.isEmpty ? [] : ["--caps=\(caps)"])
                                + (accessKey.map { ["--access-key=\($0)"] } ?? []),
                             secrets: secretKey.map { ["--secret-key=\($0)"] } ?? [], as: RGWUser.self)
    }

    func modify(_ user: UserScope, settings: UserSettings) async throws {
        try await admin.run(["user", "modify"] + arguments(user) + options(settings))
    }

    func setSuspended(_ user: UserScope, _ suspended: Bool) async throws {
        try await admin.run(["user", suspended ? "suspend" : "enable"] + arguments(user))
    }

    func addCaps(_ user: UserScope, _ caps: String) async throws {
        try await admin.run(["caps", "add"] + arguments(user) + ["--caps=\(caps)"])
    }

    func removeCaps(_ user: UserScope, _ caps: String) async throws {
        try await admin.run(["caps", "rm"] + arguments(user) + ["--caps=\(caps)"])
    }

    func createKey(_ user: UserScope, accessKey: String, secretKey: String) async throws {
        try await admin.run(["key", "create", "--key-type=s3", "--access-key=\(accessKey)"] + arguments(user), secrets: ["--secret-key=\(secretKey)"])
    }

    func removeKey(_ user: UserScope, accessKey: String) async throws {
        try await admin.run(["key", "rm", "--key-type=s3", "--access-key=\(accessKey)"] + arguments(user))
    }

    func remove(_ user: UserScope, purgeData: Bool) async throws {
        do {
            try await admin.run(["user", "rm"] + arguments(user) + (purgeData ? ["--purge-data"] : []))
        } catch let error as RadosGWAdminError where error.isNotFound || error.message.contains("user does not exist") {
            return
        } catch let error as RadosGWAdminError where error.message.contains("purge data") {
            throw UserOwnsBuckets(detail: error.message)
        }
    }
}

/// Users through the RGW admin ops REST API of the provider's endpoint (the gateway's own zone).
struct AdminAPIUsers: UserAdministration {
    let api: RGWAdminOps

    private func parameters(_ settings: UserSettings) -> [(name: String, value: String)] {
        [("display-name", settings.displayName), ("email", settings.email), ("system", String(settings.system))]
            + (settings.maxBuckets.map { [("max-buckets", String($0))] } ?? [])
    }

    func info(_ user: UserScope) async throws -> RGWUser? { try await api.user(user.qualified) }

    func create(_ user: UserScope, settings: UserSettings, caps: String, accessKey: String?, secretKey: String?) async throws -> RGWUser {
        try await api.createUser(user.qualified, settings: parameters(settings) + (caps.isEmpty ? [] : [("user-caps", caps)]),
                                 accessKey: accessKey, secretKey: secretKey)
    }

    func modify(_ user: UserScope, settings: UserSettings) async throws {
        try await api.modifyUser(user.qualified, settings: parameters(settings))
    }

    func setSuspended(_ user: UserScope, _ suspended: Bool) async throws {
        try await api.modifyUser(user.qualified, settings: [("suspended", String(suspended))])
    }

    func addCaps(_ user: UserScope, _ caps: String) async throws { try await api.addCaps(user.qualified, caps) }

    func removeCaps(_ user: UserScope, _ caps: String) async throws { try await api.removeCaps(user.qualified, caps) }

    func createKey(_ user: UserScope, accessKey: String, secretKey: String) async throws {
        try await api.createKey(user.qualified, accessKey: accessKey, secretKey: secretKey)
    }

    func removeKey(_ user: UserScope, accessKey: String) async throws { try await api.removeKey(user.qualified, accessKey: accessKey) }

    func remove(_ user: UserScope, purgeData: Bool) async throws {
        guard try await api.user(user.qualified) != nil else { return }
        do {
            try await api.removeUser(user.qualified, purgeData: purgeData)
        } catch let error as AWSServiceError where error.statusCode == 409 {
            throw UserOwnsBuckets(detail: error.description)
        }
    }
}
