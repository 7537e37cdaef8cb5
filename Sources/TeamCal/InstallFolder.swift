import FoundationEssentials
import Glibc

/// What tcadmin learns from a TeamCal Neo installation folder (`--app-dir`).
public struct InstallFolder: Sendable {
    /// Database settings as the app itself uses them. Each is nil when the files do not say.
    public struct DatabaseSettings: Sendable, Equatable {
        public var host: String?
        public var port: String?
        public var socket: String?
        public var name: String?
        public var user: String?
        public var password: String?
        public var prefix: String?
    }

    public struct Failure: Error, Sendable {
        public let message: String
    }

    public let path: String
    public let database: DatabaseSettings
    /// Which file the database settings came from, relative to the folder.
    public let databaseSource: String
    /// OIDC is on (`OIDC_YES=1` in `.env`): only the local `admin` account uses local 2FA.
    public let oidcEnabled: Bool

    public var cacheDirectory: String { path + "/cache" }
    public var appConfigPath: String { path + "/config/config.app.php" }

    public static func read(_ path: String) throws(Failure) -> InstallFolder {
        var isDirectory: Bool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory else {
            throw Failure(message: "the app folder \(path) does not exist — give --app-dir the TeamCal Neo installation folder")
        }
        let envPath = path + "/.env"
        if FileManager.default.fileExists(atPath: envPath) {
            let text = try readText(envPath)
            let env: [String: String]
            do { env = try DotEnv.parse(text) } catch {
                throw Failure(message: "\(envPath) line \(error.line): \(error.reason) — fix the line or quote the value")
            }
            let settings = DatabaseSettings(host: env["DB_HOST"], port: env["DB_PORT"], socket: env["DB_SOCKET"],
                                            name: env["DB_NAME"], user: env["DB_USER"], password: env["DB_PASS"],
                                            prefix: env["DB_PREFIX"])
            return InstallFolder(path: path, database: settings, databaseSource: ".env",
                                 oidcEnabled: env["OIDC_YES"].map(phpTruthy) ?? false)
        }
        let phpPath = path + "/config/config.db.php"
        guard FileManager.default.fileExists(atPath: phpPath) else {
            throw Failure(message: "\(path) has neither .env nor config/config.db.php — is it a TeamCal Neo installation folder?")
        }
        let conf = PHPConfig.confAssignments(try readText(phpPath))
        let settings = DatabaseSettings(host: conf["db_server"], port: conf["db_port"], socket: conf["db_socket"],
                                        name: conf["db_name"], user: conf["db_user"], password: conf["db_pass"],
                                        prefix: conf["db_table_prefix"])
        return InstallFolder(path: path, database: settings, databaseSource: "config/config.db.php", oidcEnabled: false)
    }

    /// The installation key (`APP_LIC_KEY`) defined in `config/config.app.php`, or nil.
    public func installationKeyText() throws(Failure) -> String? {
        guard FileManager.default.fileExists(atPath: appConfigPath) else { return nil }
        return PHPConfig.defines(try InstallFolder.readText(appConfigPath))["APP_LIC_KEY"]
    }

    static func readText(_ path: String) throws(Failure) -> String {
        do {
            return try TextFile.read(path)
        } catch where error.kind == .tooLarge {
            throw Failure(message: "\(path) is larger than \(error.limit >> 20) MiB — is it the app's own file?")
        } catch {
            throw Failure(message: "cannot read \(path) — check that it exists and that this account may read it")
        }
    }
}

/// PHP's truthiness for a string: everything but "" and "0".
public func phpTruthy(_ value: String) -> Bool {
    !(value.isEmpty || value == "0")
}
