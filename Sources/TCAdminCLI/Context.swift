import Glibc
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

    /// How long a statement waits for a table or metadata lock another session holds.
    public static let lockWaitSeconds = 10

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
        do {
            // A lock held elsewhere (LOCK TABLES, a dump) is reported (75) rather than waited on forever.
            try connection.execute("SET SESSION lock_wait_timeout = \(Self.lockWaitSeconds)")
            db = try TeamCalDatabase(connection: connection, prefix: configuration.prefix)
        } catch {
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
        let answer = console.readLine()?.trimmingBlanks().lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }

    /// The name of the account acting, for the audit log: `tcadmin:<os-user>`.
    public var actor: String {
        for variable in ["SUDO_USER", "USER"] {
            if let user = environment[variable], !user.isEmpty { return "tcadmin:\(user)" }
        }
        let account: String? = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) }
        let user = account ?? "unknown"
        return "tcadmin:\(user)"
    }
}

import TCCrypto

extension Context {
    /// The installation key (APP_LIC_KEY) from --key-file, TCADMIN_APP_KEY, the config file's
    /// key-file, or the app's config/config.app.php — in that order. Never printed.
    public func installationKey() throws -> InstallationKey {
        let missing = "no installation key — give --app-dir (reads config/config.app.php), --key-file FILE, or the environment variable TCADMIN_APP_KEY"
        switch configuration.keySource {
        case .file(let path)?:
            let text = try Configuration.readSecretFile(path, what: "key")
            guard !text.isEmpty else { throw CLIError(.configuration, "the key file \(path) is empty — put the APP_LIC_KEY value on its first line") }
            warnIfReadableByOthers(path)
            return InstallationKey(text)
        case .environment?:
            let text = environment["TCADMIN_APP_KEY"] ?? ""
            guard !text.isEmpty else { throw CLIError(.configuration, "TCADMIN_APP_KEY is empty — " + missing) }
            return InstallationKey(text)
        case .appConfig(let path)?:
            guard let folder = configuration.installFolder else { throw CLIError(.configuration, missing) }
            let text: String?
            do { text = try folder.installationKeyText() } catch { throw CLIError(.configuration, error.message) }
            guard let text, !text.isEmpty else {
                throw CLIError(.configuration, "\(path) has no literal define('APP_LIC_KEY', '...') — give --key-file FILE or TCADMIN_APP_KEY")
            }
            return InstallationKey(text)
        case nil:
            throw CLIError(.configuration, missing)
        }
    }

    /// Whether a key is configured at all (status shows formats by prefix without one).
    public var hasInstallationKey: Bool { configuration.keySource != nil }

    private func warnIfReadableByOthers(_ path: String) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            console.warning("\(path) is readable by others — chmod 600 it")
        }
    }
}
