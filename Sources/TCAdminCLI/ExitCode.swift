/// Exit codes of SPEC §3 (sysexits.h values for the errors).
public struct ExitCode: RawRepresentable, Sendable, Equatable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let ok = ExitCode(rawValue: 0)
    /// A condition was found: no match, users not enrolled with --fail-if-any, bad secrets, NTP warning.
    public static let conditionFound = ExitCode(rawValue: 1)
    /// NTP critical.
    public static let critical = ExitCode(rawValue: 2)
    /// NTP unknown: nothing could be measured.
    public static let unknown = ExitCode(rawValue: 3)
    public static let usage = ExitCode(rawValue: 64)
    /// Unknown user, malformed file or value.
    public static let dataError = ExitCode(rawValue: 65)
    /// Database or network unavailable.
    public static let unavailable = ExitCode(rawValue: 69)
    /// A bug or an unexpected failure inside tcadmin.
    public static let software = ExitCode(rawValue: 70)
    /// Cannot create or write an output file.
    public static let cannotCreate = ExitCode(rawValue: 73)
    /// Temporary failure: try again (a lock is held, the server is busy).
    public static let temporaryFailure = ExitCode(rawValue: 75)
    public static let accessDenied = ExitCode(rawValue: 77)
    public static let configuration = ExitCode(rawValue: 78)

    /// Every documented code with its meaning, for help and the man page.
    public static let documented: [(ExitCode, String)] = [
        (.ok, "success"),
        (.conditionFound, "condition found (unenrolled users with --fail-if-any, bad secrets, code rejected, NTP warning)"),
        (.critical, "NTP critical"),
        (.unknown, "NTP unknown (nothing could be measured)"),
        (.usage, "usage error (unknown command or option, bad option value)"),
        (.dataError, "bad data (unknown user, malformed code or file, undecryptable secret)"),
        (.unavailable, "database or network unavailable"),
        (.software, "internal error"),
        (.cannotCreate, "cannot create an output file"),
        (.temporaryFailure, "temporary failure (a lock is held); try again"),
        (.accessDenied, "access denied"),
        (.configuration, "configuration error (missing settings, wrong key, not a TeamCal Neo database)"),
    ]
}
