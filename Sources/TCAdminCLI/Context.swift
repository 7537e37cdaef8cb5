import Foundation
import TCDatabase
import TeamCal

/// Everything a running command may use: the console, the resolved configuration,
/// the database (opened on first use) and the global output options.
public final class Context {
    public let console: Console
    public let environment: [String: String]
    public let configuration: Configuration
    public let format: OutputFormat
    public let assumeYes: Bool
    public let commandName: String
    private var openDatabase: TeamCalDatabase?

    init(console: Console, environment: [String: String], configuration: Configuration,
         format: OutputFormat, assumeYes: Bool, commandName: String) {
        self.console = console
        self.environment = environment
        self.configuration = configuration
        self.format = format
        self.assumeYes = assumeYes
        self.commandName = commandName
    }

    /// Connects (once) and detects the TeamCal Neo schema.
    public func database() throws -> TeamCalDatabase {
        if let openDatabase { return openDatabase }
        let options = configuration.connection
        guard let name = options.database, !name.isEmpty else {
            throw CLIError(.configuration, "no database named — give --database, --app-dir (DB_NAME in its .env), or database= in a --defaults-file")
        }
        for origin in configuration.origins { console.detail("\(origin.key): from \(origin.source)") }
        console.detail("connecting to \(options.endpoint) as \(options.user ?? "(default user)"), database \(name)")
        let connection: Connection
        do { connection = try Connection(options) } catch { throw CLIError.from(database: error, connection: options) }
        let db: TeamCalDatabase
        do { db = try TeamCalDatabase(connection: connection, prefix: configuration.prefix) } catch {
            throw CLIError.from(error, connection: options)
        }
        console.detail("schema: prefix \(db.schema.prefix), TeamCal Neo \(db.schema.versionGuess)")
        openDatabase = db
        return db
    }

    /// Asks a yes/no question on the terminal. With --yes it is not asked. Without a
    /// terminal it is an error: scripts must say --yes, nothing is changed silently.
    public func confirm(_ question: String) throws -> Bool {
        if assumeYes { return true }
        guard console.inIsTerminal else {
            throw CLIError(.usage, "confirmation needed and stdin is not a terminal — add --yes to go ahead (or --dry-run to look first)")
        }
        console.flush()
        console.err(question + " [y/N] ")
        let answer = console.readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }

    /// The name of the account acting, for the audit log: `tcadmin:<os-user>`.
    public var actor: String {
        let user = environment["SUDO_USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? String(cString: getpwuid(getuid())?.pointee.pw_name ?? strdup("unknown"))
        return "tcadmin:\(user)"
    }
}
