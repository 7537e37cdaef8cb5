import TCDatabase

/// One user's stored secret, found the way the app finds it: the user by exact name
/// (`findUser`: users.username is binary), the secret row by `user_option.username`'s
/// own case- and accent-insensitive collation.
public struct UserSecret: Sendable {
    public let username: String
    /// The `user_option` row id and stored value; nil when there is no `secret` row.
    public let rowID: Int64?
    public let storedValue: String?

    /// Throws `LookupFailure` (naming near matches) when there is no such user.
    public static func lookup(_ db: TeamCalDatabase, username: String) throws -> UserSecret {
        let user = try db.findUser(username)
        var id: Int64?
        var value: String?
        try db.connection.query("""
            SELECT id, value FROM \(db.table("user_option")) WHERE username = ? AND `option` = 'secret' ORDER BY id LIMIT 1
            """, [user.username]) { row in
            id = row.int(0)
            value = row.string(1) ?? ""
        }
        return UserSecret(username: user.username, rowID: id, storedValue: value)
    }
}
