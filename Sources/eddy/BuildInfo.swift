import CBuildInfo

/// What `eddy --version` prints: the release and the commit the binary was built from.
enum BuildInfo {
    /// The release; CHANGELOG.md says what each one brought.
    static let version = "0.1.0"
    /// The git commit, or "unknown" when the build could not tell.
    static let commit = String(cString: eddy_git_commit())

    static var description: String { "\(version) (commit \(commit))" }
}
