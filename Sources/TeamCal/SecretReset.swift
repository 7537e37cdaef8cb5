import TCDatabase

/// One stored `secret` row of `user_option`, value exactly as stored.
public struct SecretRow: Sendable, Equatable {
    public let id: Int64
    public let storedUsername: String
    public let value: [UInt8]

    /// PHP-truthy: anything but NULL, '' and '0' (SPEC §2.4).
    public var isTruthy: Bool { !(value.isEmpty || value == [UInt8(ascii: "0")]) }
}

/// Every `secret` row by the lookup key of its username, in one streaming pass: the rows
/// the app finds for a user are those whose key equals the user's.
public struct SecretRows: Sendable {
    public private(set) var byKey: [LookupKey: [SecretRow]] = [:]

    public init(_ db: TeamCalDatabase) throws {
        try db.connection.query("""
            SELECT id, username, \(db.schema.lookupKey("username")), value FROM \(db.table("user_option"))
            WHERE `option` = 'secret' AND value IS NOT NULL
            """) { row in
            guard let id = row.int(0), let key = row.lookupKey(2) else { return }
            byKey[key, default: []].append(SecretRow(id: id, storedUsername: row.string(1) ?? "", value: row.bytes(3) ?? []))
        }
    }

    public func rows(for key: LookupKey) -> [SecretRow] { byKey[key] ?? [] }
}

extension TeamCalDatabase {
    /// Every account with its lookup key, optionally only members of some groups.
    public func allUsers(memberOf groups: [GroupRef]? = nil) throws -> [UserRef] {
        let members = try groups.map { try memberKeys(of: $0) }
        var users: [UserRef] = []
        try connection.query("SELECT username, \(schema.lookupKey("username")) FROM \(table("users"))") { row in
            let key = row.lookupKey(1) ?? LookupKey(weight: [])
            if let members, !members.contains(key) { return }
            users.append(UserRef(username: row.string(0) ?? "", key: key))
        }
        users.sort { $0.username.utf8.lexicographicallyPrecedes($1.username.utf8) }
        return users
    }

    /// A value bound as text when it is UTF-8 (it always is when read over this connection),
    /// so the server stores the very same characters.
    static func bindable(_ bytes: [UInt8]) -> Value {
        if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        return .bytes(bytes)
    }
}

/// `reset-2fa`: which secret rows to remove for which users, and removing them.
///
/// MyISAM has no transactions, so each row is deleted with a compare-and-set on its id
/// and exact value: a row changed after it was read (and backed up) is left alone.
public struct SecretReset: Sendable {
    public struct Item: Sendable {
        public let user: UserRef
        /// Truthy rows to remove (empty: not enrolled, or removed for an earlier user).
        public let rows: [SecretRow]
        /// Set when the user's row is the same as an earlier user's (names that differ only
        /// in case or accents share one secret in the app).
        public let sharesRowWith: String?
    }

    public enum Outcome: Sendable, Equatable {
        case removed
        case notEnrolled
        case sharedWith(String)
        /// The row changed (or went) since it was read: not deleted.
        case changed
    }

    public let items: [Item]

    public var rowsToRemove: [SecretRow] { items.flatMap(\.rows) }
    public var enrolledCount: Int { items.filter { !$0.rows.isEmpty }.count }

    public init(_ db: TeamCalDatabase, users: [UserRef]) throws {
        let secrets = try SecretRows(db)
        var taken: [Int64: String] = [:]
        var items: [Item] = []
        for user in users {
            let truthy = secrets.rows(for: user.key).filter(\.isTruthy)
            if let first = truthy.first, let owner = taken[first.id] {
                items.append(Item(user: user, rows: [], sharesRowWith: owner))
                continue
            }
            for row in truthy { taken[row.id] = user.username }
            items.append(Item(user: user, rows: truthy, sharesRowWith: nil))
        }
        self.items = items
    }

    /// The backup of every row about to be removed.
    public func backup(database: String, prefix: String) -> SecretBackup {
        let entries = items.flatMap { item in
            item.rows.map { SecretBackup.Entry(rowID: $0.id, user: item.user.username, storedUsername: $0.storedUsername, value: $0.value) }
        }
        return SecretBackup(database: database, prefix: prefix, entries: entries)
    }

    /// Deletes the rows; one audit event per user whose secret is removed.
    public func execute(_ db: TeamCalDatabase, audit: AuditLog?, report: (Item, Outcome) -> Void) throws {
        let delete = try db.connection.prepare("""
            DELETE FROM \(db.table("user_option"))
            WHERE id = ? AND `option` = 'secret' AND CAST(value AS BINARY) = CAST(? AS BINARY)
            """)
        for item in items {
            if let owner = item.sharesRowWith { report(item, .sharedWith(owner)); continue }
            guard !item.rows.isEmpty else { report(item, .notEnrolled); continue }
            var removed = 0
            for row in item.rows {
                removed += Int(try delete.execute([row.id, TeamCalDatabase.bindable(row.value)]))
            }
            if removed == 0 { report(item, .changed); continue }
            try audit?.record(.user, "User 2FA secret reset: \(item.user.username) (tcadmin)")
            report(item, removed == item.rows.count ? .removed : .changed)
        }
    }
}

/// `restore-2fa`: putting backed-up secrets back where the user has not enrolled again.
public struct SecretRestore: Sendable {
    public enum Action: Sendable, Equatable {
        /// No row now: insert one (with the original id when it is free).
        case insert
        /// A row with '' or '0' now: set its value.
        case fill(SecretRow)
        /// Enrolled again since, and `force`: overwrite (after backing the current value up).
        case overwrite(SecretRow)
        /// The very value is in place already.
        case alreadyInPlace
        /// Enrolled again since: skipped.
        case reenrolled
        /// The account no longer exists: skipped.
        case userGone
        /// An earlier entry of the backup restores this user already.
        case duplicate
    }

    public struct Item: Sendable {
        public let entry: SecretBackup.Entry
        public let action: Action
    }

    public enum Outcome: Sendable, Equatable {
        case restored
        case skipped
        /// The row changed between planning and writing: nothing written for this user.
        case conflict
    }

    public let items: [Item]

    /// Values that `--force` overwrites: back them up before writing.
    public var overwritten: [SecretBackup.Entry] {
        items.compactMap { item in
            guard case .overwrite(let row) = item.action else { return nil }
            return SecretBackup.Entry(rowID: row.id, user: item.entry.user, storedUsername: row.storedUsername, value: row.value)
        }
    }

    public init(_ db: TeamCalDatabase, backup: SecretBackup, force: Bool) throws {
        guard backup.database == db.schema.database, backup.prefix == db.schema.prefix else {
            throw SecretBackup.Failure("the backup is of database '\(backup.database)' with prefix '\(backup.prefix)', not '\(db.schema.database)' with '\(db.schema.prefix)' — restore it where it was taken")
        }
        // Keys of the accounts named in the backup, matched on the exact bytes of the name.
        let wanted = Set(backup.entries.map { Array($0.user.utf8) })
        var keys: [[UInt8]: LookupKey] = [:]
        try db.connection.query("SELECT username, \(db.schema.lookupKey("username")) FROM \(db.table("users"))") { row in
            guard let name = row.bytes(0), wanted.contains(name) else { return }
            keys[name] = row.lookupKey(1) ?? LookupKey(weight: [])
        }
        let secrets = try SecretRows(db)
        var planned: Set<LookupKey> = []
        var items: [Item] = []
        for entry in backup.entries {
            items.append(Item(entry: entry, action: SecretRestore.action(for: entry, key: keys[Array(entry.user.utf8)],
                                                                          secrets: secrets, planned: &planned, force: force)))
        }
        self.items = items
    }

    private static func action(for entry: SecretBackup.Entry, key: LookupKey?, secrets: SecretRows,
                               planned: inout Set<LookupKey>, force: Bool) -> Action {
        guard let key else { return .userGone }
        guard planned.insert(key).inserted else { return .duplicate }
        let current = secrets.rows(for: key)
        if let truthy = current.first(where: \.isTruthy) {
            if current.contains(where: { $0.isTruthy && $0.value == entry.value }) { return .alreadyInPlace }
            return force ? .overwrite(truthy) : .reenrolled
        }
        if let empty = current.first { return .fill(empty) }
        return .insert
    }

    /// Writes the planned values; one audit event per user restored.
    public func execute(_ db: TeamCalDatabase, audit: AuditLog?, report: (Item, Outcome) -> Void) throws {
        let table = db.table("user_option")
        let update = try db.connection.prepare("""
            UPDATE \(table) SET value = ? WHERE id = ? AND `option` = 'secret' AND CAST(value AS BINARY) = CAST(? AS BINARY)
            """)
        for item in items {
            let value = TeamCalDatabase.bindable(item.entry.value)
            var written: UInt64 = 0
            switch item.action {
            case .alreadyInPlace, .reenrolled, .userGone, .duplicate:
                report(item, .skipped)
                continue
            case .fill(let row), .overwrite(let row):
                written = try update.execute([value, row.id, TeamCalDatabase.bindable(row.value)])
            case .insert:
                written = try insert(db, item.entry, value: value)
            }
            guard written > 0 else { report(item, .conflict); continue }
            try audit?.record(.user, "User 2FA secret restored: \(item.entry.user) (tcadmin)")
            report(item, .restored)
        }
    }

    private func insert(_ db: TeamCalDatabase, _ entry: SecretBackup.Entry, value: Value) throws -> UInt64 {
        let table = db.table("user_option")
        let idFree = try db.connection.scalar("SELECT COUNT(*) FROM \(table) WHERE id = ?", [entry.rowID]) == "0"
        let sql = idFree
            ? "INSERT INTO \(table) (id, username, `option`, value) VALUES (?, ?, 'secret', ?)"
            : "INSERT INTO \(table) (username, `option`, value) VALUES (?, 'secret', ?)"
        let values: [any ValueConvertible] = idFree ? [entry.rowID, entry.storedUsername, value] : [entry.storedUsername, value]
        do {
            return try db.connection.execute(sql, values)
        } catch {
            // A row for this user appeared meanwhile (the user enrolled): leave it.
            if error.code == 1062 { return 0 }
            throw error
        }
    }
}
