import FoundationEssentials
import Glibc
import TCCrypto

/// The file `reset-2fa` writes before it deletes a secret, and `restore-2fa` reads back.
///
/// Text, one row per line, every stored value base64-encoded so any bytes survive, and a
/// SHA-256 of everything above the last line, so a truncated or edited file is refused:
///
///     # tcadmin 2FA secret backup ...            (comment lines, covered by the checksum)
///     tcadmin-secret-backup: 1
///     created: 2026-12-03T13:10:20Z
///     database: teamcal
///     prefix: tcneo_
///     rows: 2
///     row 17 <base64 users.username> <base64 user_option.username> <base64 value>
///     row 23 ...
///     sha256: <64 hex digits>
///
/// Values are the encrypted secrets exactly as stored: never decrypted, never shown.
public struct SecretBackup: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// `user_option.id` of the removed row.
        public var rowID: Int64
        /// The account it was removed for (`users.username`).
        public var user: String
        /// `user_option.username` exactly as stored (may differ from `user` in case or accents).
        public var storedUsername: String
        /// The `secret` value exactly as stored.
        public var value: [UInt8]

        public init(rowID: Int64, user: String, storedUsername: String, value: [UInt8]) {
            self.rowID = rowID
            self.user = user
            self.storedUsername = storedUsername
            self.value = value
        }
    }

    public struct Failure: Error, Sendable, Equatable {
        public let message: String
        /// True when the file could not be written (as opposed to read or parsed).
        public let isWriteFailure: Bool
        init(_ message: String, write: Bool = false) {
            self.message = message
            self.isWriteFailure = write
        }
    }

    public static let formatVersion = 1
    public static let fileExtension = "tcbak"

    /// UTC, ISO 8601 ("2026-12-03T13:10:20Z").
    public var created: String
    public var database: String
    public var prefix: String
    public var entries: [Entry]

    public init(created: String = SecretBackup.timestamp(Date()), database: String, prefix: String, entries: [Entry]) {
        self.created = created
        self.database = database
        self.prefix = prefix
        self.entries = entries
    }

    public static func timestamp(_ date: Date) -> String {
        formatTime(date, "%Y-%m-%dT%H:%M:%SZ", utc: true)
    }

    // MARK: Encoding

    public func encoded() -> [UInt8] {
        var text = """
            # tcadmin 2FA secret backup: encrypted secrets exactly as stored. Keep this file private.
            # Put them back with: tcadmin restore-2fa --from FILE (edited or truncated files are refused).
            tcadmin-secret-backup: \(SecretBackup.formatVersion)
            created: \(SecretBackup.escape(created))
            database: \(SecretBackup.escape(database))
            prefix: \(SecretBackup.escape(prefix))
            rows: \(entries.count)

            """
        for e in entries {
            text += "row \(e.rowID) \(Data(e.user.utf8).base64EncodedString()) "
            text += "\(Data(e.storedUsername.utf8).base64EncodedString()) \(Data(e.value).base64EncodedString())\n"
        }
        var bytes = Array(text.utf8)
        bytes += Array("sha256: \(Digest.sha256Hex(bytes))\n".utf8)
        return bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(Failure) -> SecretBackup {
        let marker = Array("sha256: ".utf8)
        // The checksum line is the last line; everything before it is covered.
        guard bytes.last == 0x0A else { throw Failure("the backup file is truncated (it does not end with its checksum line)") }
        let body = bytes.dropLast()
        let lastLineStart = (body.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        let lastLine = Array(bytes[lastLineStart..<bytes.count - 1])
        guard lastLine.starts(with: marker) else {
            if !bytes.starts(with: Array("# tcadmin 2FA secret backup".utf8)) && !bytes.starts(with: Array("tcadmin-secret-backup:".utf8)) {
                throw Failure("this is not a tcadmin secret backup file")
            }
            throw Failure("the backup file is truncated (its checksum line is missing)")
        }
        let stated = String(decoding: lastLine.dropFirst(marker.count), as: UTF8.self)
        let covered = Array(bytes[0..<lastLineStart])
        guard stated == Digest.sha256Hex(covered) else {
            throw Failure("the backup file's checksum does not match its contents: it was altered or damaged")
        }
        let text = String(decoding: covered, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var header: [String: String] = [:]
        var entries: [Entry] = []
        for (number, line) in lines.enumerated() where !line.hasPrefix("#") {
            if line.hasPrefix("row ") {
                entries.append(try row(line, number: number + 1))
                continue
            }
            guard entries.isEmpty, let colon = line.firstRange(of: ": ") else {
                throw Failure("the backup file has a malformed line \(number + 1)")
            }
            header[String(line[..<colon.lowerBound])] = unescape(String(line[colon.upperBound...]))
        }
        guard header["tcadmin-secret-backup"] == String(formatVersion) else {
            throw Failure("the backup file has format version '\(header["tcadmin-secret-backup"] ?? "?")'; this tcadmin reads version \(formatVersion)")
        }
        guard let created = header["created"], let database = header["database"], let prefix = header["prefix"],
              let countText = header["rows"], let count = Int(countText) else {
            throw Failure("the backup file's header is incomplete")
        }
        guard count == entries.count else {
            throw Failure("the backup file says it holds \(count) rows but holds \(entries.count)")
        }
        return SecretBackup(created: created, database: database, prefix: prefix, entries: entries)
    }

    private static func row(_ line: String, number: Int) throws(Failure) -> Entry {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 5, let id = Int64(parts[1]),
              let user = Data(base64Encoded: String(parts[2])), let stored = Data(base64Encoded: String(parts[3])),
              let value = Data(base64Encoded: String(parts[4])) else {
            throw Failure("the backup file has a malformed row on line \(number)")
        }
        return Entry(rowID: id, user: String(decoding: user, as: UTF8.self),
                     storedUsername: String(decoding: stored, as: UTF8.self), value: Array(value))
    }

    static func escape(_ s: String) -> String {
        s.replacing("\\", with: "\\\\").replacing("\n", with: "\\n").replacing("\r", with: "\\r")
    }

    static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for ch in s {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: out.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }

    // MARK: Files

    /// Writes the file durably through `SecretFile`: whole or not at all, mode 0600 whatever
    /// the umask, never replacing an existing file, a full disk reported as such.
    public func write(to path: String) throws(Failure) {
        do {
            try SecretFile.write(path: path, contents: encoded())
        } catch {
            let message = error.kind == .exists
                ? "the backup file \(path) already exists — give another --backup FILE (existing backups are never overwritten)"
                : error.message
            throw Failure(message, write: true)
        }
    }

    public static func read(from path: String) throws(Failure) -> SecretBackup {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure("cannot read the backup file \(path) — check the path and that this account may read it")
        }
        return try decode(Array(data))
    }
}

