/// Finds the credentials to sign with, in the order the AWS CLI uses.
///
/// Resolution order:
/// 1. explicit keys, when both the access key id and the secret are given;
/// 2. the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
///    (skipped when a profile is passed explicitly, as the AWS SDKs do, so a named profile
///    is never silently replaced by whatever keys the shell exported);
/// 3. the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`, section `[name]`);
/// 4. the config file (`AWS_CONFIG_FILE` or `~/.aws/config`, section `[profile name]` or `[default]`).
///
/// The profile is the explicit one, else `AWS_PROFILE`, else `default`.
public enum CredentialResolver {
    /// Resolves credentials, or throws an ``AWSClientError`` of kind `credentialsNotFound`
    /// whose message names every place that was tried.
    ///
    /// - Parameters:
    ///   - accessKeyID: An explicit access key id (from configuration), or `nil`.
    ///   - secretAccessKey: An explicit secret, or `nil`. Giving only one of the two explicit keys is an error.
    ///   - sessionToken: An explicit session token, used only with explicit keys.
    ///   - profile: An explicit profile name, or `nil` to use `AWS_PROFILE` or `default`.
    ///   - environment: The process environment (pass `ProcessInfo.processInfo.environment`); injected for tests.
    public static func resolve(
        accessKeyID: String?,
        secretAccessKey: String?,
        sessionToken: String?,
        profile: String?,
        environment: [String: String]
    ) throws -> AWSCredentials {
        switch (accessKeyID, secretAccessKey) {
        case let (key?, secret?):
            return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: sessionToken)
        case (.some, nil):
            throw AWSClientError(.credentialsNotFound, "an access key id was given explicitly but no secret access key")
        case (nil, .some):
            throw AWSClientError(.credentialsNotFound, "a secret access key was given explicitly but no access key id")
        case (nil, nil):
            break
        }

        var tried = ["explicit access key id and secret (not set)"]
        if profile == nil {
            if let key = environment.nonEmpty("AWS_ACCESS_KEY_ID"),
               let secret = environment.nonEmpty("AWS_SECRET_ACCESS_KEY") {
                return AWSCredentials(
                    accessKeyID: key, secretAccessKey: secret, sessionToken: environment.nonEmpty("AWS_SESSION_TOKEN"))
            }
            tried.append("environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (not set)")
        } else {
            tried.append("environment variables (skipped: a profile was given explicitly)")
        }

        let profileName = profile ?? environment.nonEmpty("AWS_PROFILE") ?? "default"

        let credentialsPath = AWSSharedFiles.credentialsPath(environment: environment)
        if let file = AWSConfigFile.load(path: credentialsPath) {
            if let section = file.credentialsSection(profile: profileName) {
                if let credentials = keys(in: section) { return credentials }
                tried.append("shared credentials file \(credentialsPath) (section [\(profileName)] has no aws_access_key_id/aws_secret_access_key)")
            } else {
                tried.append("shared credentials file \(credentialsPath) (no section [\(profileName)])")
            }
        } else {
            tried.append("shared credentials file \(credentialsPath) (not found)")
        }

        let configPath = AWSSharedFiles.configPath(environment: environment)
        let configSectionName = profileName == "default" ? "[default]" : "[profile \(profileName)]"
        if let file = AWSConfigFile.load(path: configPath) {
            if let section = file.configSection(profile: profileName) {
                if let credentials = keys(in: section) { return credentials }
                let unsupported = ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"]
                    .filter { section[$0] != nil }
                if !unsupported.isEmpty {
                    throw AWSClientError(
                        .unsupportedProfile,
                        "profile \"\(profileName)\" in \(configPath) uses \(unsupported.joined(separator: ", ")), which Tandem does not support yet; give static keys (aws_access_key_id/aws_secret_access_key) or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
                }
                tried.append("config file \(configPath) (section \(configSectionName) has no aws_access_key_id/aws_secret_access_key)")
            } else {
                tried.append("config file \(configPath) (no section \(configSectionName))")
            }
        } else {
            tried.append("config file \(configPath) (not found)")
        }

        throw AWSClientError(
            .credentialsNotFound,
            "no AWS credentials found for profile \"\(profileName)\"; tried: " + tried.joined(separator: "; "))
    }

    private static func keys(in section: [String: String]) -> AWSCredentials? {
        guard let key = section.nonEmpty("aws_access_key_id"),
              let secret = section.nonEmpty("aws_secret_access_key") else { return nil }
        let token = section.nonEmpty("aws_session_token") ?? section.nonEmpty("aws_security_token")
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
    }
}
