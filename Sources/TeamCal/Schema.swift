import TCDatabase

/// The TeamCal Neo schema found in a database, detected at run time.
public struct Schema: Sendable {
    public struct Failure: Error, Sendable {
        public let message: String
    }

    /// The tables tcadmin cannot work without.
    public static let requiredTables = ["config", "users", "user_option"]
    /// Tables it uses when they are there.
    public static let optionalTables = ["log", "groups", "user_group", "roles", "archive_users", "archive_user_option"]

    public let database: String
    public let prefix: String
    /// Engine of each table found, by unprefixed name.
    public let engines: [String: String]
    public let hasLogIP: Bool
    public let hasOIDCSub: Bool
    public let hasGroupAvatar: Bool
    /// Collation of `user_option.username`: the app finds a user's secret with it.
    public let optionUsernameCollation: String

    public func has(_ table: String) -> Bool { engines[table] != nil }

    /// The quoted, prefixed name of a table, for SQL.
    public func table(_ name: String) -> String { "`\(prefix)\(name)`" }

    /// Every table is MyISAM in shipped installs: no transactions to lean on.
    public var isTransactional: Bool {
        Schema.requiredTables.allSatisfy { engines[$0]?.lowercased() == "innodb" }
    }

    /// A guess at the TeamCal Neo release line, from the optional columns.
    public var versionGuess: String {
        if hasOIDCSub { return "5.3 or later" }
        if hasLogIP || hasGroupAvatar { return "5.0 to 5.2" }
        return "4.x or earlier"
    }

    /// The character set of `optionUsernameCollation` ("utf8mb3_general_ci" → "utf8mb3").
    public var optionUsernameCharset: String {
        String(optionUsernameCollation.prefix(while: { $0 != "_" }))
    }

    /// SQL that turns an expression into the bytes the app's lookup compares:
    /// the weight string under `user_option.username`'s collation.
    public func lookupKey(_ expression: String) -> String {
        "WEIGHT_STRING(CONVERT(\(expression) USING \(optionUsernameCharset)) COLLATE \(optionUsernameCollation))"
    }

    /// A table prefix is spliced into SQL as part of an identifier, so only the
    /// characters of unquoted identifiers are allowed.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        prefix.count <= 32 && prefix.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "$" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    public static func detect(_ connection: Connection, prefix: String) throws -> Schema {
        guard isValidPrefix(prefix) else {
            throw Failure(message: "table prefix '\(prefix.prefix(40))' has characters a table name cannot have — use letters, digits and _")
        }
        guard let database = try connection.scalar("SELECT DATABASE()") else {
            throw Failure(message: "no database selected — give --database or DB_NAME in the app's .env")
        }
        var engines: [String: String] = [:]
        let wanted = requiredTables + optionalTables
        let likePrefix = prefix.replacing("_", with: "\\_")
        try connection.query("""
            SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE CONCAT(?, '%')
            """, [likePrefix]) { row in
            guard let name = row.string(0), name.hasPrefix(prefix) else { return }
            let short = String(name.dropFirst(prefix.count))
            if wanted.contains(short) { engines[short] = row.string(1) ?? "unknown" }
        }
        let missing = requiredTables.filter { engines[$0] == nil }
        if !missing.isEmpty {
            let names = missing.map { prefix + $0 }.joined(separator: ", ")
            throw Failure(message: "database '\(database)' is not a TeamCal Neo database with prefix '\(prefix)' (missing \(names)) — check --database and --prefix")
        }
        var columns: Set<String> = []
        var collation = "utf8mb3_general_ci"
        try connection.query("""
            SELECT TABLE_NAME, COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?, ?, ?, ?)
            """, [prefix + "log", prefix + "users", prefix + "groups", prefix + "user_option"]) { row in
            let table = String((row.string(0) ?? "").dropFirst(prefix.count))
            let column = row.string(1) ?? ""
            columns.insert("\(table).\(column)")
            if table == "user_option", column == "username", let c = row.string(2) { collation = c }
        }
        guard isSafeCollation(collation) else {
            throw Failure(message: "unexpected collation '\(collation)' on \(prefix)user_option.username")
        }
        return Schema(database: database, prefix: prefix, engines: engines,
                      hasLogIP: columns.contains("log.ip"), hasOIDCSub: columns.contains("users.oidc_sub"),
                      hasGroupAvatar: columns.contains("groups.avatar"), optionUsernameCollation: collation)
    }

    private static func isSafeCollation(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
