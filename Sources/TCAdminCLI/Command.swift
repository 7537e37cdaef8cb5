/// An output format a command can produce.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, csv, names, nagios
}

/// A worked example for help and the man page.
public struct Example: Sendable {
    public let command: String
    public let explanation: String
    public init(_ command: String, _ explanation: String) {
        self.command = command
        self.explanation = explanation
    }
}

/// One tcadmin command. Each lives in its own file under Commands/.
///
/// `init(_:)` validates the arguments (throwing usage errors, exit 64) before anything
/// connects anywhere; `run(_:)` does the work and returns the exit code.
public protocol Command: Sendable {
    static var name: String { get }
    /// One line, for `tcadmin --help`.
    static var abstract: String { get }
    /// Usage lines after "tcadmin ", e.g. "force-2fa on|off|status [options]".
    static var usage: [String] { get }
    static var discussion: String { get }
    static var arguments: [ArgumentSpec] { get }
    static var options: [OptionSpec] { get }
    /// Formats accepted by --format; the first is the default. Empty: no --format.
    static var formats: [OutputFormat] { get }
    static var examples: [Example] { get }
    /// Whether the command needs the database (for plugins and help).
    static var usesDatabase: Bool { get }

    init(_ arguments: ParsedArguments) throws
    func run(_ context: Context) throws -> ExitCode
}

extension Command {
    public static var discussion: String { "" }
    public static var arguments: [ArgumentSpec] { [] }
    public static var options: [OptionSpec] { [] }
    public static var formats: [OutputFormat] { [.text, .json] }
    public static var examples: [Example] { [] }
    public static var usesDatabase: Bool { true }
}

/// Every built-in command, in the order `tcadmin --help` lists them.
public enum CommandRegistry {
    public static let all: [any Command.Type] = [
        StatusCommand.self,
        ForceTfaCommand.self,
        UnenrolledCommand.self,
        ResetTfaCommand.self,
        RestoreTfaCommand.self,
        EnrollCommand.self,
        TestCodeCommand.self,
        VerifySecretsCommand.self,
        NTPCheckCommand.self,
        MigrateSecretsCommand.self,
    ]

    public static func find(_ name: String) -> (any Command.Type)? {
        all.first { $0.name == name }
    }
}
