/// Finds the region to use when configuration does not name one.
public enum RegionResolver {
    /// The region: the explicit one, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the
    /// `region` key of the profile's section in the config file; `nil` when none is set.
    ///
    /// The profile is chosen as in ``CredentialResolver``: explicit, else `AWS_PROFILE`, else `default`.
    public static func region(explicit: String?, profile: String?, environment: [String: String]) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let region = environment.nonEmpty("AWS_REGION") ?? environment.nonEmpty("AWS_DEFAULT_REGION") {
            return region
        }
        let profileName = profile ?? environment.nonEmpty("AWS_PROFILE") ?? "default"
        let file = AWSConfigFile.load(path: AWSSharedFiles.configPath(environment: environment))
        return file?.configSection(profile: profileName)?.nonEmpty("region")
    }
}
