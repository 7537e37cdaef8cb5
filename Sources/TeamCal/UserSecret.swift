import TCDatabase

/// One user's stored secret, found the way the app finds it: the user by exact name
/// (users.username is binary), the secret row by `user_option.username`'s own
/// case- and accent-insensitive collation.
public struct UserSecret: Sendable {
    public let username: String
    /// The `user_option` row id and stored value; nil when there is no `secret` row.
    public let rowID: Int64?
    public let storedValue: String?

    public enum Lookup: Sendable {
        case found(UserSecret)
        /// No such user; `suggestion` is a user whose name differs only in case or accents.
        case unknownUser(suggestion: String?)
    }

    public static func lookup(_ db: TeamCalDatabase, username: String) throws -> Lookup {
        var exact: String?
        do {
            try db.connection.query("SELECT username FROM \(db.table("users")) WHERE username = ?", [username]) { row in
                exact = row.string(0)
            }
        } catch let error as DatabaseError where error.code == 1267 {
            // "Illegal mix of collations": the name has characters the column's character set
            // cannot hold (an emoji in a utf8mb3 column), so no stored name can equal it.
            return .unknownUser(suggestion: nil)
        }
        guard let name = exact else {
            var suggestion: String?
            try db.connection.query("""
                SELECT username FROM \(db.table("users"))
                WHERE \(db.schema.lookupKey("username")) = \(db.schema.lookupKey("?")) LIMIT 1
                """, [username]) { row in suggestion = row.string(0) }
            return .unknownUser(suggestion: suggestion)
        }
        var id: Int64?
        var value: String?
        try db.connection.query("""
            SELECT id, value FROM \(db.table("user_option")) WHERE username = ? AND `option` = 'secret' ORDER BY id LIMIT 1
            """, [name]) { row in
            id = row.int(0)
            value = row.string(1) ?? ""
        }
        return .found(UserSecret(username: name, rowID: id, storedValue: value))
    }
}
