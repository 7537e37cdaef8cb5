internal import CMariaDB

/// One open connection to a MariaDB/MySQL server. Owns the `MYSQL` handle.
///
/// Not Sendable: a connection is used by one thread at a time. While a streaming
/// query's callback runs, the connection is busy and must not be used for another
/// statement (the server is still sending rows).
public final class Connection {
    let handle: UnsafeMutablePointer<MYSQL>
    public let options: ConnectionOptions

    public init(_ options: ConnectionOptions) throws(DatabaseError) {
        try Library.ensureInitialized()
        guard let mysql = mysql_init(nil) else {
            throw DatabaseError(code: 2008, sqlState: "HY000", message: "out of memory", operation: "connect")
        }
        handle = mysql
        self.options = options
        // On a throw from here on, deinit closes the handle.
        try configure(options)
        try open(options)
    }

    deinit {
        mysql_close(handle)
    }

    /// Authentication plugins that never reveal the password to the server they talk to.
    public static let challengeResponsePlugins = "mysql_native_password,client_ed25519"

    private func configure(_ options: ConnectionOptions) throws(DatabaseError) {
        var timeout = options.connectTimeout
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        var protocolType = options.usesSocket ? MYSQL_PROTOCOL_SOCKET.rawValue : MYSQL_PROTOCOL_TCP.rawValue
        mysql_options(handle, MYSQL_OPT_PROTOCOL, &protocolType)
        // Nothing is read from the client's own option files: tcadmin resolves them itself.
        var on: my_bool = 1
        var off: my_bool = 0
        switch options.sslMode {
        case .disabled:
            break
        case .preferred where options.usesSocket:
            // A Unix socket never leaves this machine: TLS would add a handshake (~40 ms) and
            // nothing else. `required` and the verify modes still use it when asked.
            break
        case .preferred:
            // Try TLS when the server offers it; no verification.
            mysql_ssl_set(handle, nil, nil, options.sslCA, nil, nil)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off)
        case .required:
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &on)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off)
        case .verifyCA, .verifyIdentity:
            // A CA (or the system's CA folder) makes OpenSSL verify the chain (SSL_VERIFY_PEER);
            // VERIFY_SERVER_CERT adds the host-name check.
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &on)
            if let ca = options.sslCA {
                mysql_options(handle, MYSQL_OPT_SSL_CA, ca)
            } else {
                mysql_options(handle, MYSQL_OPT_SSL_CAPATH, "/etc/ssl/certs")
            }
            var verifyHost: my_bool = options.sslMode == .verifyIdentity ? 1 : 0
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verifyHost)
        }
        // Over TCP, a server that is not verified (or someone in between: Connector/C sends the
        // login before it can be told TLS was refused, except with verify-identity) could ask
        // for a plugin that sends the password itself — mysql_clear_password, dialog (PAM),
        // sha256/caching_sha2 full authentication. Allow only challenge-response plugins then.
        if !options.usesSocket && options.sslMode != .verifyIdentity {
            mysql_options(handle, MARIADB_OPT_RESTRICTED_AUTH, Connection.challengeResponsePlugins)
        }
    }

    private func open(_ options: ConnectionOptions) throws(DatabaseError) {
        let host: String? = options.usesSocket ? "localhost" : options.host
        let result = mysql_real_connect(handle, host, options.user, options.password,
                                        options.database, options.port ?? 0,
                                        options.usesSocket ? options.socket : nil, 0)
        if result == nil {
            throw lastError(operation: "connect")
        }
        if options.sslMode != .disabled && options.sslMode != .preferred && tlsCipher == nil {
            throw DatabaseError(code: 2026, sqlState: "HY000",
                                message: "TLS is required but the connection is not encrypted",
                                operation: "connect")
        }
    }

    func lastError(operation: String, redact: Bool = false) -> DatabaseError {
        let message = String(cString: mysql_error(handle))
        return DatabaseError(code: mysql_errno(handle),
                             sqlState: String(cString: mysql_sqlstate(handle)),
                             message: redact ? DatabaseError.redactingQuotedValues(message) : message,
                             operation: operation)
    }

    // MARK: Facts about the connection

    /// The server's version string, e.g. "10.11.6-MariaDB-0+deb12u1".
    public var serverVersion: String { String(cString: mysql_get_server_info(handle)) }

    /// The TLS cipher in use, or nil for an unencrypted connection.
    public var tlsCipher: String? {
        guard let cipher = mysql_get_ssl_cipher(handle) else { return nil }
        return String(cString: cipher)
    }

    /// How the client reached the server, e.g. "Localhost via UNIX socket".
    public var hostInfo: String { String(cString: mysql_get_host_info(handle)) }

    public static var clientVersion: String { Library.clientVersion }

    /// Whether the server still answers.
    public func ping() -> Bool { mysql_ping(handle) == 0 }

    /// The connection's id on the server (for KILL in fault tests).
    public var threadID: UInt { UInt(mysql_thread_id(handle)) }

    // MARK: Statements

    /// Prepares a statement with `?` placeholders.
    public func prepare(_ sql: String) throws(DatabaseError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs a statement and returns the number of affected rows.
    /// Values are always bound through a prepared statement.
    @discardableResult
    public func execute(_ sql: String, _ values: [any ValueConvertible] = []) throws(DatabaseError) -> UInt64 {
        if values.isEmpty {
            try realQuery(sql)
            if let result = mysql_store_result(handle) { mysql_free_result(result) }
            else if mysql_field_count(handle) != 0 { throw lastError(operation: "execute") }
            return mysql_affected_rows(handle)
        }
        return try prepare(sql).execute(values)
    }

    /// Streams the rows of a query to `body`, one at a time: memory does not grow with
    /// the result. The `Row` is only valid during the call.
    public func query(_ sql: String, _ values: [any ValueConvertible] = [],
                      _ body: (Row) throws -> Void) throws {
        if !values.isEmpty {
            try prepare(sql).query(values, body)
            return
        }
        try realQuery(sql)
        guard let result = mysql_use_result(handle) else {
            if mysql_field_count(handle) == 0 { return }
            throw lastError(operation: "fetch")
        }
        defer { mysql_free_result(result) }
        let row = Row(columnCount: Int(mysql_num_fields(result)))
        while let cells = mysql_fetch_row(result) {
            guard let lengths = mysql_fetch_lengths(result) else { break }
            for i in 0..<row.count {
                if let p = cells[i] {
                    row.set(i, UnsafeRawPointer(p), Int(lengths[i]))
                } else {
                    row.set(i, nil, 0)
                }
            }
            try body(row)
        }
        if mysql_errno(handle) != 0 { throw lastError(operation: "fetch") }
    }

    /// All rows of a (small) query, each as optional strings.
    public func rows(_ sql: String, _ values: [any ValueConvertible] = []) throws -> [[String?]] {
        var all: [[String?]] = []
        try query(sql, values) { row in all.append((0..<row.count).map { row.string($0) }) }
        return all
    }

    /// The first column of the first row, or nil.
    public func scalar(_ sql: String, _ values: [any ValueConvertible] = []) throws -> String? {
        var value: String??
        try query(sql, values) { row in if value == nil { value = .some(row.string(0)) } }
        return value ?? nil
    }

    private func realQuery(_ sql: String) throws(DatabaseError) {
        let status = sql.withCString { mysql_real_query(handle, $0, UInt(sql.utf8.count)) }
        if status != 0 { throw lastError(operation: "execute") }
    }
}
