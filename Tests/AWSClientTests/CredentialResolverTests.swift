@testable import AWSClient
import Foundation
import Testing

@Suite("Credential resolution")
struct CredentialResolverTests {
    /// A temporary home directory with optional `.aws/credentials` and `.aws/config`.
    final class Home {
        let path: String

        init(credentials: String? = nil, config: String? = nil) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-home-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
            if let credentials { try credentials.write(toFile: path + "/.aws/credentials", atomically: true, encoding: .utf8) }
            if let config { try config.write(toFile: path + "/.aws/config", atomically: true, encoding: .utf8) }
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        var environment: [String: String] { ["HOME": path] }
    }

    static let credentialsFile = """
        [default]
        aws_access_key_id = AKIDEFAULT
        aws_secret_access_key = default/secret#with-hash

        # a comment
        [prod]
        aws_access_key_id=AKIDPROD
        aws_secret_access_key=prodsecret
        aws_session_token = prodtoken ; trailing comment
        """

    static let configFile = """
        [default]
        region = eu-west-1

        [profile ci]
        region = af-south-1
        aws_access_key_id = AKIDCI
        aws_secret_access_key = cisecret
        s3 =
          addressing_style = path

        [profile assumed]
        role_arn = arn:aws:iam::123456789012:role/x
        source_profile = default
        """

    @Test("explicit keys win over everything")
    func explicitWins() throws {
        let home = try Home(credentials: Self.credentialsFile)
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "envsecret"
        let credentials = try CredentialResolver.resolve(
            accessKeyID: "AKIDEXPLICIT", secretAccessKey: "explicit", sessionToken: "tok", profile: "prod", environment: environment)
        #expect(credentials == AWSCredentials(accessKeyID: "AKIDEXPLICIT", secretAccessKey: "explicit", sessionToken: "tok"))
    }

    @Test("only one explicit key is an error, not a silent fallback")
    func halfExplicit() throws {
        let error = #expect(throws: AWSClientError.self) {
            try CredentialResolver.resolve(
                accessKeyID: "AKID", secretAccessKey: nil, sessionToken: nil, profile: nil,
                environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B"])
        }
        #expect(error?.kind == .credentialsNotFound)
        #expect(error?.message.contains("no secret access key") == true)
    }

    @Test("environment variables win over the files")
    func environmentWins() throws {
        let home = try Home(credentials: Self.credentialsFile)
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "envsecret"
        environment["AWS_SESSION_TOKEN"] = "envtoken"
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: nil, environment: environment)
        #expect(credentials == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "envsecret", sessionToken: "envtoken"))
    }

    @Test("an explicit profile is not overridden by environment keys")
    func explicitProfileBeatsEnvironment() throws {
        let home = try Home(credentials: Self.credentialsFile)
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "envsecret"
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: "prod", environment: environment)
        #expect(credentials.accessKeyID == "AKIDPROD")
    }

    @Test("empty environment variables count as unset")
    func emptyEnvironment() throws {
        let home = try Home(credentials: Self.credentialsFile)
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = ""
        environment["AWS_SECRET_ACCESS_KEY"] = ""
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: nil, environment: environment)
        #expect(credentials.accessKeyID == "AKIDEFAULT")
    }

    @Test("shared credentials file: default profile, and values keep # without a leading space")
    func credentialsFileDefault() throws {
        let home = try Home(credentials: Self.credentialsFile)
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: nil, environment: home.environment)
        #expect(credentials == AWSCredentials(accessKeyID: "AKIDEFAULT", secretAccessKey: "default/secret#with-hash"))
    }

    @Test("AWS_PROFILE selects a section, with its session token")
    func awsProfileVariable() throws {
        let home = try Home(credentials: Self.credentialsFile)
        var environment = home.environment
        environment["AWS_PROFILE"] = "prod"
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: nil, environment: environment)
        #expect(credentials == AWSCredentials(accessKeyID: "AKIDPROD", secretAccessKey: "prodsecret", sessionToken: "prodtoken"))
    }

    @Test("an explicit profile wins over AWS_PROFILE")
    func explicitProfileBeatsAWSProfile() throws {
        let home = try Home(credentials: Self.credentialsFile)
        var environment = home.environment
        environment["AWS_PROFILE"] = "prod"
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: "default", environment: environment)
        #expect(credentials.accessKeyID == "AKIDEFAULT")
    }

    @Test("config file [profile x] sections hold keys too")
    func configFileProfile() throws {
        let home = try Home(config: Self.configFile)
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: "ci", environment: home.environment)
        #expect(credentials == AWSCredentials(accessKeyID: "AKIDCI", secretAccessKey: "cisecret"))
    }

    @Test("the credentials file wins over the config file for the same profile")
    func credentialsFileBeatsConfig() throws {
        let home = try Home(
            credentials: "[ci]\naws_access_key_id = FROMCREDENTIALS\naws_secret_access_key = s\n",
            config: Self.configFile)
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: "ci", environment: home.environment)
        #expect(credentials.accessKeyID == "FROMCREDENTIALS")
    }

    @Test("AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move the files")
    func fileLocationVariables() throws {
        let home = try Home()
        try "[other]\naws_access_key_id = MOVED\naws_secret_access_key = s\n"
            .write(toFile: home.path + "/creds", atomically: true, encoding: .utf8)
        let credentials = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: "other",
            environment: ["HOME": home.path, "AWS_SHARED_CREDENTIALS_FILE": "~/creds"])
        #expect(credentials.accessKeyID == "MOVED")

        try Self.configFile.write(toFile: home.path + "/conf", atomically: true, encoding: .utf8)
        let fromConfig = try CredentialResolver.resolve(
            accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: "ci",
            environment: ["HOME": home.path, "AWS_CONFIG_FILE": home.path + "/conf"])
        #expect(fromConfig.accessKeyID == "AKIDCI")
    }

    @Test("nothing found: the error names every place tried")
    func notFound() throws {
        let home = try Home(config: Self.configFile)
        let error = #expect(throws: AWSClientError.self) {
            try CredentialResolver.resolve(
                accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: nil,
                environment: home.environment.merging(["AWS_PROFILE": "missing"]) { $1 })
        }
        #expect(error?.kind == .credentialsNotFound)
        let message = error?.message ?? ""
        #expect(message.contains("profile \"missing\""))
        #expect(message.contains("AWS_ACCESS_KEY_ID"))
        #expect(message.contains(home.path + "/.aws/credentials (not found)"))
        #expect(message.contains(home.path + "/.aws/config (no section [profile missing])"))
    }

    @Test("an assume-role profile is reported as unsupported")
    func assumeRoleProfile() throws {
        let home = try Home(config: Self.configFile)
        let error = #expect(throws: AWSClientError.self) {
            try CredentialResolver.resolve(
                accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: "assumed", environment: home.environment)
        }
        #expect(error?.kind == .unsupportedProfile)
        #expect(error?.message.contains("role_arn") == true)
    }

    @Test("region: explicit, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile's config")
    func region() throws {
        let home = try Home(config: Self.configFile)
        #expect(RegionResolver.region(explicit: "us-west-2", profile: nil, environment: home.environment) == "us-west-2")
        #expect(RegionResolver.region(explicit: nil, profile: "ci", environment: home.environment) == "af-south-1")
        #expect(RegionResolver.region(explicit: nil, profile: nil, environment: home.environment) == "eu-west-1")
        var environment = home.environment
        environment["AWS_DEFAULT_REGION"] = "ap-south-1"
        #expect(RegionResolver.region(explicit: nil, profile: "ci", environment: environment) == "ap-south-1")
        environment["AWS_REGION"] = "sa-east-1"
        #expect(RegionResolver.region(explicit: nil, profile: "ci", environment: environment) == "sa-east-1")
        #expect(RegionResolver.region(explicit: nil, profile: "nope", environment: ["HOME": home.path + "/x"]) == nil)
    }

    @Test("credentials never print their secrets")
    func masking() {
        let credentials = AWSCredentials(accessKeyID: "AKIDVISIBLE", secretAccessKey: "SUPERSECRET", sessionToken: "TOKENSECRET")
        for text in [credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials),
                     { var out = ""; dump(credentials, to: &out); return out }()] {
            #expect(text.contains("AKIDVISIBLE"))
            #expect(!text.contains("SUPERSECRET"))
            #expect(!text.contains("TOKENSECRET"))
        }
    }
}
