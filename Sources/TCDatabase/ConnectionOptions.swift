/// How TLS to the server is negotiated, as the mariadb client's `--ssl-mode` names it.
public enum SSLMode: String, Sendable, CaseIterable {
    case disabled
    case preferred
    case required
    case verifyCA = "verify-ca"
    case verifyIdentity = "verify-identity"
}

/// Everything needed to open a connection. The password is held only as long as the
/// options value lives and is never part of any description.
public struct ConnectionOptions: Sendable, CustomStringConvertible {
    public var host: String?
    public var port: UInt32?
    public var socket: String?
    public var user: String?
    public var password: String?
    public var database: String?
    public var sslMode: SSLMode
    public var sslCA: String?
    /// Seconds to wait for the server to accept the connection.
    public var connectTimeout: UInt32

    public init(host: String? = nil, port: UInt32? = nil, socket: String? = nil,
                user: String? = nil, password: String? = nil, database: String? = nil,
                sslMode: SSLMode = .preferred, sslCA: String? = nil, connectTimeout: UInt32 = 10) {
        self.host = host
        self.port = port
        self.socket = socket
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.sslCA = sslCA
        self.connectTimeout = connectTimeout
    }

    /// True when the connection goes over a Unix socket: no host, or "localhost"
    /// (as the mariadb client and PHP do).
    public var usesSocket: Bool {
        host == nil || host == "" || host == "localhost"
    }

    /// Where we connect, for messages: never includes credentials.
    public var endpoint: String {
        if usesSocket { return "socket \(socket ?? "(default)")" }
        let h = host ?? ""
        let shown = h.contains(":") ? "[\(h)]" : h
        return "\(shown):\(port ?? 3306)"
    }

    public var description: String {
        "\(user ?? "(default user)")@\(endpoint)/\(database ?? "")"
    }
}
