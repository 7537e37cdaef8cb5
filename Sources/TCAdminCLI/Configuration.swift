import FoundationEssentials
import Glibc
import TCDatabase
import TeamCal

/// Settings resolved from every source, in SPEC §3's order of precedence:
/// command line > TCADMIN_* environment > config file (/etc/tcadmin.conf, then
/// ~/.config/tcadmin/config) > files read from the app dir > --defaults-file > built-in defaults.
public struct Configuration: Sendable {
    /// One resolved setting and where it came from (for --verbose; never the value of a secret).
    public struct Origin: Sendable { public let key: String; public let source: String }

    public var connection = ConnectionOptions()
    public var prefix = "tcneo_"
    public var appDir: String?
    public var installFolder: InstallFolder?
    /// Where the installation key comes from, if anywhere.
    public var keySource: KeySource?
    public var stateDir: String
    /// host:port the app's setup page fetches its QR image from.
    public var qrService = "api.qrserver.com:443"
    public var origins: [Origin] = []

    public enum KeySource: Sendable {
        case appConfig(path: String)
        case file(path: String)
        case environment
    }

    /// Keys accepted in tcadmin's own config file.
    static let fileKeys: Set<String> = ["app-dir", "host", "port", "socket", "user", "database", "prefix",
                                        "password-file", "defaults-file", "ssl-mode", "ssl-ca", "key-file",
                                        "state-dir", "qr-service"]

    /// Environment variable for each setting.
    static let environmentKeys: [String: String] = [
        "app-dir": "TCADMIN_APP_DIR", "host": "TCADMIN_HOST", "port": "TCADMIN_PORT", "socket": "TCADMIN_SOCKET",
        "user": "TCADMIN_USER", "database": "TCADMIN_DATABASE", "prefix": "TCADMIN_PREFIX",
        "password-file": "TCADMIN_PASSWORD_FILE", "defaults-file": "TCADMIN_DEFAULTS_FILE",
        "ssl-mode": "TCADMIN_SSL_MODE", "ssl-ca": "TCADMIN_SSL_CA", "key-file": "TCADMIN_KEY_FILE",
        "state-dir": "TCADMIN_STATE_DIR", "qr-service": "TCADMIN_QR_SERVICE",
    ]

    /// Config files read, lowest precedence first. TCADMIN_CONFIG names one file instead.
    static func configFiles(_ environment: [String: String]) -> [String] {
        if let only = environment["TCADMIN_CONFIG"] { return only.isEmpty ? [] : [only] }
        var files = ["/etc/tcadmin.conf"]
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            files.append(xdg + "/tcadmin/config")
        } else if let home = environment["HOME"], !home.isEmpty {
            files.append(home + "/.config/tcadmin/config")
        }
        return files
    }

    public static func resolve(_ arguments: ParsedArguments, environment: [String: String]) throws(CLIError) -> Configuration {
        var config = Configuration(stateDir: defaultStateDir(environment))
        var layers: [(source: String, values: [String: String])] = []

        // Highest first: command line, environment, config files (user over system).
        var cli: [String: String] = [:]
        for key in environmentKeys.keys { if let v = arguments.value(key) { cli[key] = v } }
        layers.append(("command line", cli))
        var env: [String: String] = [:]
        for (key, variable) in environmentKeys { if let v = environment[variable], !v.isEmpty { env[key] = v } }
        layers.append(("environment", env))
        for file in configFiles(environment).reversed() {
            if let values = try readConfigFile(file) { layers.append((file, values)) }
        }
        func pick(_ key: String) -> (String, String)? {
            for layer in layers { if let v = layer.values[key] { return (v, layer.source) } }
            return nil
        }
        func take(_ key: String) -> String? {
            guard let (value, source) = pick(key) else { return nil }
            config.origins.append(Origin(key: key, source: source))
            return value
        }

        // Lower layers: the app folder, then the defaults file.
        var appValues: [String: String] = [:]
        var appPassword: String?
        if let dir = take("app-dir") {
            let folder: InstallFolder
            do { folder = try InstallFolder.read(dir) } catch { throw CLIError(.configuration, error.message) }
            config.appDir = dir
            config.installFolder = folder
            let db = folder.database
            let source = "\(dir)/\(folder.databaseSource)"
            for (key, value) in [("host", db.host), ("port", db.port), ("socket", db.socket), ("user", db.user),
                                 ("database", db.name), ("prefix", db.prefix)] {
                if let value, !value.isEmpty { appValues[key] = value }
            }
            layers.append((source, appValues))
            appPassword = db.password
        }
        var defaultsPassword: String?
        if let file = take("defaults-file") {
            let values = try readDefaultsFile(file)
            var mapped: [String: String] = [:]
            for key in ["host", "port", "socket", "user", "database", "ssl-ca"] { if let v = values[key] { mapped[key] = v } }
            if values["ssl-verify-server-cert"].map({ $0 != "0" && $0 != "off" && $0 != "false" }) == true {
                mapped["ssl-mode"] = "verify-identity"
            } else if values["ssl"].map({ $0 != "0" && $0 != "off" && $0 != "false" }) == true {
                mapped["ssl-mode"] = "required"
            }
            layers.append((file, mapped))
            defaultsPassword = values["password"]
        }

        config.connection.host = take("host")
        if let port = take("port") {
            guard let n = UInt32(port), n > 0, n < 65536 else {
                throw CLIError(.configuration, "port '\(port.prefix(20))' is not a TCP port number — give --port 1 to 65535")
            }
            config.connection.port = n
        }
        config.connection.socket = take("socket")
        config.connection.user = take("user")
        config.connection.database = take("database")
        if let prefix = take("prefix") {
            guard Schema.isValidPrefix(prefix) else {
                throw CLIError(.configuration, "table prefix '\(prefix.prefix(40))' may hold only letters, digits, _ and $ — fix --prefix")
            }
            config.prefix = prefix
        }
        if let mode = take("ssl-mode") {
            guard let m = SSLMode(rawValue: mode.lowercased()) else {
                throw CLIError(.configuration, "ssl mode '\(mode.prefix(30))' is unknown — use disabled, preferred, required, verify-ca or verify-identity")
            }
            config.connection.sslMode = m
        }
        config.connection.sslCA = take("ssl-ca")
        if let ca = config.connection.sslCA, !FileManager.default.isReadableFile(atPath: ca) {
            throw CLIError(.configuration, "cannot read the CA file \(ca) — check --ssl-ca")
        }
        if let dir = take("state-dir") { config.stateDir = dir }
        if let qr = take("qr-service") { config.qrService = qr }

        // Password: a file or the environment; then the app's own files; then the defaults file.
        if let file = arguments.value("password-file") {
            config.connection.password = try readSecretFile(file, what: "password")
            config.origins.append(Origin(key: "password", source: "command line (--password-file)"))
        } else if let pw = environment["TCADMIN_DB_PASSWORD"] {
            config.connection.password = pw
            config.origins.append(Origin(key: "password", source: "environment (TCADMIN_DB_PASSWORD)"))
        } else if let (file, source) = pick("password-file") {
            config.connection.password = try readSecretFile(file, what: "password")
            config.origins.append(Origin(key: "password", source: "\(source) (password-file)"))
        } else if let pw = appPassword {
            config.connection.password = pw
            config.origins.append(Origin(key: "password", source: config.appDir.map { "\($0)/\(config.installFolder!.databaseSource)" } ?? "app dir"))
        } else if let pw = defaultsPassword {
            config.connection.password = pw
            config.origins.append(Origin(key: "password", source: "defaults file"))
        }

        // Installation key: --key-file, TCADMIN_APP_KEY, config key-file, the app's config.app.php.
        if let file = arguments.value("key-file") {
            config.keySource = .file(path: file)
        } else if environment["TCADMIN_APP_KEY"] != nil {
            config.keySource = .environment
        } else if let (file, _) = pick("key-file") {
            config.keySource = .file(path: file)
        } else if let folder = config.installFolder {
            config.keySource = .appConfig(path: folder.appConfigPath)
        }
        return config
    }

    static func defaultStateDir(_ environment: [String: String]) -> String {
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/tcadmin" }
        if getuid() == 0 { return "/var/lib/tcadmin" }
        return (environment["HOME"] ?? "/tmp") + "/.local/state/tcadmin"
    }

    /// tcadmin's own config file: `key = value` lines, `#` comments, an optional `[tcadmin]` header.
    /// Returns nil when the file does not exist.
    static func readConfigFile(_ path: String) throws(CLIError) -> [String: String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try parseConfigFile(readText(path, what: "config file", fix: "check its permissions"), path: path)
    }

    /// The text of tcadmin's config file, read from `path` (named in messages).
    public static func parseConfigFile(_ text: String, path: String) throws(CLIError) -> [String: String] {
        var values: [String: String] = [:]
        for (n, raw) in TextFile.lines(text).enumerated() {
            let line = raw.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line == "[tcadmin]" { continue }
            guard let (key, value) = keyValue(line) else {
                throw CLIError(.configuration, "\(path) line \(n + 1): expected 'key = value'")
            }
            if key == "password" {
                throw CLIError(.configuration, "\(path) line \(n + 1): no passwords in the config file — use password-file = FILE")
            }
            guard fileKeys.contains(key) else {
                var message = "\(path) line \(n + 1): unknown setting '\(key.prefix(40))'"
                if let near = ArgumentParser.nearest(key, among: Array(fileKeys)) { message += " — did you mean '\(near)'?" }
                throw CLIError(.configuration, message)
            }
            values[key] = value
        }
        return values
    }

    /// A MariaDB option file's [client] and [client-mariadb] groups, as the mariadb client reads
    /// them: `key=value`, `key` alone for true, `-` and `_` alike, quotes stripped, `!include` ignored.
    static func readDefaultsFile(_ path: String) throws(CLIError) -> [String: String] {
        parseDefaultsFile(try readText(path, what: "defaults file", fix: "check --defaults-file"))
    }

    /// The text of a MariaDB option file: its [client] and [client-mariadb] settings.
    public static func parseDefaultsFile(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        var inClient = false
        for raw in TextFile.lines(text) {
            let line = raw.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line.hasPrefix("!") { continue }
            if line.hasPrefix("[") {
                let group = line.trimmingCharacters(in: "[] ").lowercased()
                inClient = group == "client" || group == "client-mariadb"
                continue
            }
            guard inClient else { continue }
            let key: String
            let value: String
            if let pair = keyValue(line) {
                (key, value) = pair
            } else {
                key = line
                value = "1"
            }
            values[key.replacing("_", with: "-").lowercased()] = value
        }
        return values
    }

    /// Reads a password or key file: first line, without its line ending.
    /// `key = value` split at the first `=`, both trimmed, one pair of matching quotes taken off
    /// the value; nil without `=`. On Unicode scalars: to Swift a `=` or a quote followed by a
    /// combining mark is one Character, which would hide it.
    static func keyValue(_ line: String) -> (key: String, value: String)? {
        let scalars = line.unicodeScalars
        guard let eq = scalars.firstIndex(of: "=") else { return nil }
        let key = String(String.UnicodeScalarView(scalars[..<eq])).trimmingBlanks()
        var value = Array(String(String.UnicodeScalarView(scalars[scalars.index(after: eq)...]))
            .trimmingBlanks().unicodeScalars)
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = Array(value.dropFirst().dropLast())
        }
        return (key, String(String.UnicodeScalarView(value)))
    }

    /// Pipes work too: `--password-file <(pass show teamcal/db)`.
    static func readSecretFile(_ path: String, what: String) throws(CLIError) -> String {
        do {
            return try TextFile.firstLine(path)
        } catch where error.kind == .tooLarge {
            throw CLIError(.configuration, "the \(what) file \(path) has no line ending in its first \(error.limit >> 10) KiB — is it the right file?")
        } catch {
            throw CLIError(.configuration, "cannot read the \(what) file \(path) — check that it exists and is readable")
        }
    }

    private static func readText(_ path: String, what: String, fix: String) throws(CLIError) -> String {
        do {
            return try TextFile.read(path)
        } catch where error.kind == .tooLarge {
            throw CLIError(.configuration, "the \(what) \(path) is larger than \(error.limit >> 20) MiB — is it the right file?")
        } catch {
            throw CLIError(.configuration, "cannot read the \(what) \(path) — \(fix)")
        }
    }
}
