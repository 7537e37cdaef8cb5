import FoundationEssentials
import Glibc
import TCDatabase

/// Records each change tcadmin makes, as the app records its own (SPEC §2.8): a row in the
/// app's `log` table when the app's switch for that kind of event is on, and a line in
/// syslog (always).
///
/// - `timestamp` is the database server's `NOW()`: local time, as the app's PHP `date()`
///   writes it (the web server and the database usually share a host and time zone).
/// - `user` is the acting account (`tcadmin:<os-user>`), cut to the column's 40 characters.
/// - `ip`, where the column exists (4.0 on), is `cli`: there is no remote address.
/// - The event text never holds a secret.
public final class AuditLog {
    public enum Kind: String, Sendable {
        /// Settings changes; switch `logConfig`.
        case config = "logConfig"
        /// Changes to users; switch `logUser`.
        case user = "logUser"
        /// Bulk changes to stored data (secret migration); switch `logDatabase`.
        case database = "logDatabase"
    }

    public static let ipValue = "cli"

    private let db: TeamCalDatabase
    private let actor: String
    private let syslog: Syslog
    private var switches: [Kind: Bool] = [:]

    public init(_ db: TeamCalDatabase, actor: String, syslog: Syslog = Syslog()) {
        self.db = db
        self.actor = actor
        self.syslog = syslog
    }

    /// Whether the app's switch for `kind` is on (a missing row is off).
    public func isRecording(_ kind: Kind) throws -> Bool {
        if let known = switches[kind] { return known }
        let on = try db.schema.has("log") && db.switchIsOn(kind.rawValue)
        switches[kind] = on
        return on
    }

    /// Records one event. The syslog line is sent even when the table row is not written.
    public func record(_ kind: Kind, _ event: String) throws {
        syslog.send("\(event) [database \(db.schema.database), by \(actor)]")
        guard try isRecording(kind) else { return }
        let user = String(actor.prefix(40))
        if db.schema.hasLogIP {
            try db.connection.execute("""
                INSERT INTO \(db.table("log")) (`type`, `timestamp`, `ip`, `user`, `event`) VALUES (?, NOW(), ?, ?, ?)
                """, [kind.rawValue, AuditLog.ipValue, user, event])
        } else {
            try db.connection.execute("""
                INSERT INTO \(db.table("log")) (`type`, `timestamp`, `user`, `event`) VALUES (?, NOW(), ?, ?)
                """, [kind.rawValue, user, event])
        }
    }
}

/// Sends RFC 3164 lines to the local syslog socket, as glibc's `syslog(3)` does:
/// `<PRI>Mmm dd hh:mm:ss tcadmin[pid]: message`, facility authpriv, severity notice.
/// Does nothing, silently, when there is no syslog socket.
public struct Syslog: Sendable {
    public static let defaultSocket = "/dev/log"
    /// LOG_AUTHPRIV (10 << 3) | LOG_NOTICE (5).
    public static let priority = 85

    public let socketPath: String
    public let ident: String

    public init(socketPath: String = Syslog.defaultSocket, ident: String = "tcadmin") {
        self.socketPath = socketPath
        self.ident = ident
    }

    public func line(_ message: String, date: Date = Date()) -> String {
        // RFC 3164: local time, English month, a one-digit day padded with a space ("Dec  3").
        let stamp = formatTime(date, "%b %e %H:%M:%S", utc: false)
        let clean = message.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : String($0) }.joined()
        return "<\(Syslog.priority)>\(stamp) \(ident)[\(getpid())]: \(clean)"
    }

    /// Sends one message; returns whether it was handed to the syslog socket.
    @discardableResult
    public func send(_ message: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let payload = Array(line(message).utf8)
        // A datagram socket as syslogd and journald offer; a stream socket as some older setups do.
        for type in [Int32(SOCK_DGRAM.rawValue), Int32(SOCK_STREAM.rawValue)] {
            let fd = socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if connected != 0 {
                if errno == EPROTOTYPE { continue }
                return false
            }
            // A stream needs a frame delimiter.
            let bytes = type == Int32(SOCK_STREAM.rawValue) ? payload + [0] : payload
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            return sent == bytes.count
        }
        return false
    }
}
