/// Options every command accepts: connection, key, output.
enum GlobalOptions {
    static let connection: [OptionSpec] = [
        .value("app-dir", "DIR", "TeamCal Neo installation folder: reads DIR/.env or DIR/config/config.db.php, DIR/config/config.app.php, DIR/cache", completion: .directory),
        .value("host", "HOST", "database server host (localhost means the Unix socket)", completion: .host),
        .value("port", "N", "database server TCP port", default: "3306"),
        .value("socket", "PATH", "database server Unix socket", completion: .file),
        .value("user", "USER", "database user"),
        .value("database", "DB", "database name"),
        .value("prefix", "PREFIX", "table prefix", default: "tcneo_"),
        .value("password-file", "FILE", "file holding the database password (or env TCADMIN_DB_PASSWORD)", completion: .file),
        .value("defaults-file", "FILE", "MariaDB option file; its [client] group is read as the mariadb client does", completion: .file),
        .value("ssl-mode", "MODE", "TLS to the database: disabled, preferred, required, verify-ca, verify-identity", default: "preferred",
               completion: .choices(["disabled", "preferred", "required", "verify-ca", "verify-identity"])),
        .value("ssl-ca", "FILE", "CA certificate(s) to verify the server with", completion: .file),
        .value("key-file", "FILE", "file holding the installation key (APP_LIC_KEY) when there is no --app-dir (or env TCADMIN_APP_KEY)", completion: .file),
    ]

    static let output: [OptionSpec] = [
        .value("format", "FORMAT", "output format (the command's help lists which)"),
        .flag("quiet", short: "q", "print only results and errors"),
        .flag("verbose", short: "v", "also say where each setting came from and what is being done"),
        .flag("no-color", "no colour, even on a terminal (also NO_COLOR)"),
        .flag("yes", short: "y", "do not ask for confirmation (for scripts)"),
        .flag("help", short: "h", "show help"),
        .flag("version", "show the version"),
    ]

    static let specs: [OptionSpec] = connection + output
}
