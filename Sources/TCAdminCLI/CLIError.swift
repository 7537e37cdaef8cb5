import TCDatabase
import TeamCal

/// An error the CLI reports as one line on stderr, with its exit code.
///
/// The message says what is wrong and how to fix it: "what — how to fix".
/// It never contains a secret, a password or an installation key.
public struct CLIError: Error, Sendable {
    public let code: ExitCode
    public let message: String
    /// For usage errors: the command whose usage to point at.
    public let usageOf: String?

    public init(_ code: ExitCode, _ message: String, usageOf: String? = nil) {
        self.code = code
        self.message = message
        self.usageOf = usageOf
    }

    public static func usage(_ message: String, command: String? = nil) -> CLIError {
        CLIError(.usage, message, usageOf: command ?? "")
    }

    /// Turns any error that reaches the top into a CLIError.
    static func from(_ error: any Error, connection: ConnectionOptions? = nil) -> CLIError {
        switch error {
        case let e as CLIError:
            return e
        case let e as DatabaseError:
            return from(database: e, connection: connection)
        case let e as Schema.Failure:
            return CLIError(.configuration, e.message)
        case let e as InstallFolder.Failure:
            return CLIError(.configuration, e.message)
        case let e as LookupFailure:
            return CLIError(.dataError, e.message)
        case let e as SecretBackup.Failure:
            return CLIError(e.isWriteFailure ? .cannotCreate : .dataError, e.message)
        default:
            return CLIError(.software, "unexpected error: \(error)")
        }
    }

    static func from(database e: DatabaseError, connection: ConnectionOptions?) -> CLIError {
        let endpoint = connection?.endpoint ?? "the database server"
        let user = connection?.user ?? "(default)"
        switch e.category {
        case .unavailable where e.operation != "connect", .tls where e.operation != "connect" && e.code == 2026:
            return CLIError(.unavailable, "lost the connection to the database at \(endpoint) before the command finished: \(e.message) — any output above is incomplete; run it again when the server is back")
        case .unavailable:
            return CLIError(.unavailable, "cannot reach the database at \(endpoint): \(e.message) — check --host, --port or --socket and that the server is running")
        case .tls where e.code == 5010:
            return CLIError(.unavailable, "the server at \(endpoint) asked to be sent the password itself (an authentication plugin such as mysql_clear_password or PAM), which tcadmin refuses on a connection it has not verified — use the Unix socket, or --ssl-mode verify-identity with --ssl-ca")
        case .tls:
            return CLIError(.unavailable, "TLS to \(endpoint) failed: \(e.message) — check --ssl-mode and --ssl-ca")
        case .accessDenied where (e.code == 1045 || e.code == 1698) && connection?.sslMode == .disabled:
            return CLIError(.accessDenied, "access denied for database user '\(user)' — check the password (--password-file, TCADMIN_DB_PASSWORD, or DB_PASS in the app's .env), or whether the account requires TLS (REQUIRE SSL): drop --ssl-mode disabled")
        case .accessDenied where e.code == 1045 || e.code == 1698:
            return CLIError(.accessDenied, "access denied for database user '\(user)' — check the password (--password-file, TCADMIN_DB_PASSWORD, or DB_PASS in the app's .env)")
        case .accessDenied where e.code == 1290 || e.code == 1036 || e.code == 1792:
            return CLIError(.accessDenied, "the database refuses writes: \(e.message) — run against a writable server")
        case .accessDenied:
            return CLIError(.accessDenied, "database user '\(user)' lacks a privilege: \(e.message) — grant it on the TeamCal Neo database")
        case .temporary where e.code == 1205:
            return CLIError(.temporaryFailure, "another session holds a lock on the tables tcadmin needs (waited \(Context.lockWaitSeconds) s: \(e.message)) — try again later, or find it with SHOW PROCESSLIST")
        case .temporary:
            return CLIError(.temporaryFailure, "the database is busy: \(e.message) — try again")
        case .schema:
            return CLIError(.configuration, "the database does not look like TeamCal Neo here: \(e.message) — check --database and --prefix")
        case .other:
            return CLIError(.software, "database error: \(e.description)")
        }
    }
}
