import FoundationEssentials
import Glibc
import TCCrypto
import TCDatabase
import TeamCal

/// `tcadmin status`: one look at the database, the schema, the 2FA switches,
/// who is enrolled, how secrets are stored, and whether the app's cache is reachable.
/// Reads only; never writes.
struct StatusCommand: Command {
    static let name = "status"
    static let abstract = "Overview: database, schema, 2FA switches, enrollment and secret formats"
    static let usage = ["status [--format text|json]"]
    static let discussion = """
        Connects, detects the TeamCal Neo schema and reports the 2FA switches (forceTfa,
        disableTfa), user counts, how many active users are enrolled, and how secrets are
        stored. Nothing is written.
        """
    static let examples = [
        Example("--app-dir /var/www/teamcal status", "overview of the installation in /var/www/teamcal"),
        Example("--app-dir /var/www/teamcal status --format json | jq .users", "the user counts, for a script"),
    ]

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(0...0, names: "")
    }

    struct Report {
        var database: String
        var endpoint: String
        var serverVersion: String
        var tlsCipher: String?
        var schema: Schema
        var forceTfa: String?
        var disableTfa: String?
        var users: UserCounts
        var enrollment: EnrollmentIndex
        var appDir: String?
        var cacheDir: String?
        var cacheFolderExists: Bool
        var oidc: Bool
        /// Formats checked with the installation key, when one is configured.
        var census: SecretCensus?
        var censusError: String?
    }

    func run(_ context: Context) throws -> ExitCode {
        let db = try context.database()
        let settings = try db.settings(["forceTfa", "disableTfa"])
        // With a key the census counts the formats, so the index need not count them by prefix.
        var key: InstallationKey?
        var keyError: String?
        if context.hasInstallationKey {
            do { key = try context.installationKey() } catch let error as CLIError { keyError = error.message }
        }
        let enrollment = try EnrollmentIndex(db, enrolledOnly: key != nil)
        let users = try UserCounts(db, enrollment: enrollment)
        let folder = context.configuration.installFolder
        var isDir: Bool = false
        let cacheExists = folder.map { FileManager.default.fileExists(atPath: $0.cacheDirectory, isDirectory: &isDir) && isDir } ?? false
        var report = Report(database: db.schema.database, endpoint: context.configuration.connection.endpoint,
                            serverVersion: db.connection.serverVersion, tlsCipher: db.connection.tlsCipher,
                            schema: db.schema, forceTfa: settings["forceTfa"], disableTfa: settings["disableTfa"],
                            users: users, enrollment: enrollment, appDir: folder?.path, cacheDir: folder?.cacheDirectory,
                            cacheFolderExists: cacheExists, oidc: folder?.oidcEnabled ?? false)
        report.census = try key.map { try SecretCensus.take(db, key: $0) }
        report.censusError = keyError
        switch context.format {
        case .json: context.console.outRaw(json(report).rendered())
        default: text(report, context.console)
        }
        return .ok
    }

    private func onOff(_ value: String?) -> String {
        guard let value else { return "off (no row)" }
        return phpTruthy(value) ? "on" : "off"
    }

    private func text(_ r: Report, _ console: Console) {
        let s = r.schema
        let engines = Set(s.engines.values.map { $0 }).sorted().joined(separator: "/")
        var rows: [(String, String)] = []
        rows.append(("Database", "\(r.database) at \(r.endpoint), \(r.serverVersion)"))
        rows.append(("TLS", r.tlsCipher.map { "yes (\($0))" } ?? "no"))
        rows.append(("Schema", "prefix \(s.prefix), TeamCal Neo \(s.versionGuess), \(engines)\(s.isTransactional ? "" : " (no transactions)")"))
        rows.append(("Columns", "log.ip \(s.hasLogIP ? "yes" : "no"), users.oidc_sub \(s.hasOIDCSub ? "yes" : "no")"))
        var tfa = "forceTfa \(onOff(r.forceTfa)), disableTfa \(onOff(r.disableTfa))"
        if r.disableTfa.map(phpTruthy) == true { tfa += " — the 2FA feature is disabled" }
        rows.append(("2FA", tfa))
        let u = r.users
        rows.append(("Users", "\(u.total) total: \(u.active) active, \(u.locked) locked, \(u.hidden) hidden"))
        rows.append(("Enrolled", "\(u.activeEnrolled) of \(u.active) active users; \(u.activeNotEnrolled) not enrolled"))
        let e = r.enrollment
        if let c = r.census {
            rows.append(("Secrets", "\(c.v2) v2, \(c.legacy) legacy, \(c.notEnrolled) empty ('' or '0'), \(c.undecryptable) undecryptable (checked with the key)"))
        } else {
            rows.append(("Secrets", "\(e.storedV2) v2, \(e.storedLegacy) legacy, \(e.storedEmpty) empty ('' or '0') (by prefix: \(r.censusError ?? "no installation key"))"))
        }
        if let dir = r.appDir {
            rows.append(("App folder", dir))
            rows.append(("App cache", r.cacheFolderExists ? "\(r.cacheDir!) (cleared after settings changes)" : "\(r.cacheDir!) not found"))
            if r.oidc { rows.append(("OIDC", "on — local 2FA applies to the admin account only")) }
        } else {
            rows.append(("App folder", "not given — settings changes may take up to an hour to reach the app (use --app-dir)"))
        }
        let width = rows.map { $0.0.count }.max()! + 2
        for (label, value) in rows { console.out(Help.pad(label, width) + value) }
    }

    private func json(_ r: Report) -> JSON {
        let s = r.schema
        let u = r.users
        let e = r.enrollment
        func setting(_ v: String?) -> JSON {
            .object([("value", .string(v)), ("on", .bool(v.map(phpTruthy) ?? false)), ("row_exists", .bool(v != nil))])
        }
        return .object([
            ("database", .object([
                ("name", .string(r.database)),
                ("endpoint", .string(r.endpoint)),
                ("server_version", .string(r.serverVersion)),
                ("tls", .bool(r.tlsCipher != nil)),
                ("tls_cipher", .string(r.tlsCipher)),
            ])),
            ("schema", .object([
                ("prefix", .string(s.prefix)),
                ("version_guess", .string(s.versionGuess)),
                ("transactional", .bool(s.isTransactional)),
                ("engines", .object(s.engines.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("log_ip", .bool(s.hasLogIP)),
                ("users_oidc_sub", .bool(s.hasOIDCSub)),
            ])),
            ("settings", .object([("forceTfa", setting(r.forceTfa)), ("disableTfa", setting(r.disableTfa))])),
            ("users", .object([
                ("total", .int(u.total)), ("active", .int(u.active)), ("locked", .int(u.locked)), ("hidden", .int(u.hidden)),
                ("enrolled", .int(u.enrolled)), ("active_enrolled", .int(u.activeEnrolled)),
                ("active_not_enrolled", .int(u.activeNotEnrolled)),
            ])),
            ("secrets", .object([
                ("checked_with_key", .bool(r.census != nil)),
                ("v2", .int(r.census?.v2 ?? e.storedV2)),
                ("legacy", .int(r.census?.legacy ?? e.storedLegacy)),
                ("empty", .int(r.census?.notEnrolled ?? e.storedEmpty)),
                ("undecryptable", r.census.map { .int($0.undecryptable) } ?? .null),
            ])),
            ("app", .object([
                ("dir", .string(r.appDir)),
                ("cache_dir", .string(r.cacheDir)),
                ("cache_dir_exists", .bool(r.cacheFolderExists)),
                ("oidc", .bool(r.oidc)),
            ])),
        ])
    }
}
