import TCDatabase

/// `enroll`: a user's `secret` rows as the app finds them, and storing a new secret in
/// their place.
///
/// The rows are looked up with `WHERE username = ?` under `user_option.username`'s own
/// case- and accent-insensitive collation, as the app looks them up. MyISAM has no
/// transactions, so storing re-reads the rows and writes each with a compare-and-set on
/// the value read first: a user who enrolled meanwhile (through the app, between the QR
/// code being shown and the code being typed) keeps that secret.
public struct SecretEnrollment: Sendable {
    public struct Row: Sendable, Equatable {
        public let id: Int64
        /// `user_option.username` exactly as stored.
        public let storedUsername: String
        /// The value exactly as stored; nil for SQL NULL (not enrolled, as '' and '0').
        public let value: [UInt8]?

        /// PHP-truthy (SPEC §2.4).
        public var isTruthy: Bool {
            guard let value else { return false }
            return !(value.isEmpty || value == [UInt8(ascii: "0")])
        }
    }

    public enum Outcome: Sendable, Equatable {
        case stored
        /// The rows changed since they were read: nothing written.
        case changed
    }

    public let user: UserRef
    /// Every `secret` row the app would find for the user, by id.
    public let rows: [Row]

    /// Enrolled by the app's rule: some row holds a truthy value.
    public var isEnrolled: Bool { rows.contains(where: \.isTruthy) }

    public init(_ db: TeamCalDatabase, user: UserRef) throws {
        self.user = user
        var rows: [Row] = []
        try db.connection.query("""
            SELECT id, username, value FROM \(db.table("user_option")) WHERE username = ? AND `option` = 'secret' ORDER BY id
            """, [user.username]) { row in
            guard let id = row.int(0) else { return }
            rows.append(Row(id: id, storedUsername: row.string(1) ?? "", value: row.bytes(2)))
        }
        self.rows = rows
    }

    /// The backup of the values a forced enrollment replaces, in reset-2fa's format, so
    /// `restore-2fa` puts them back.
    public func backup(database: String, prefix: String) -> SecretBackup {
        let entries = rows.filter(\.isTruthy).map {
            SecretBackup.Entry(rowID: $0.id, user: user.username, storedUsername: $0.storedUsername, value: $0.value ?? [])
        }
        return SecretBackup(database: database, prefix: prefix, entries: entries)
    }

    /// Stores `value` (an encrypted secret) for the user: each row read is set to it with a
    /// compare-and-set, or a row is inserted when there was none. Nothing is written when
    /// the rows differ from those read at `init`. One audit event when stored.
    ///
    /// The unique key (username, option) leaves at most one row; a table without it may hold
    /// more, and then a row changed between two updates leaves the earlier ones written.
    public func store(_ value: String, in db: TeamCalDatabase, audit: AuditLog?) throws -> Outcome {
        guard try SecretEnrollment(db, user: user).rows == rows else { return .changed }
        let table = db.table("user_option")
        if rows.isEmpty {
            do {
                try db.connection.execute("INSERT INTO \(table) (username, `option`, value) VALUES (?, 'secret', ?)",
                                          [user.username, value])
            } catch {
                // A row for this user appeared meanwhile (the unique key username+option).
                guard error.code == 1062 else { throw error }
                return .changed
            }
        } else {
            let update = try db.connection.prepare("""
                UPDATE \(table) SET value = ?
                WHERE id = ? AND `option` = 'secret' AND CAST(value AS BINARY) <=> CAST(? AS BINARY)
                """)
            for row in rows {
                let old: Value = row.value.map { TeamCalDatabase.bindable($0) } ?? .null
                guard try update.execute([value, row.id, old]) == 1 else { return .changed }
            }
        }
        let replaced = isEnrolled ? ", replacing the old secret" : ""
        try audit?.record(.user, "User 2FA enrolled offline\(replaced): \(user.username) (tcadmin)")
        return .stored
    }
}
