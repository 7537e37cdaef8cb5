import TCDatabase

/// Reads the `secret` rows of one table a page at a time. Each page is one short query (MyISAM
/// locks the table for each statement, so the app is never held up for long), and the order
/// does not depend on the values, so rows written meanwhile are neither skipped nor read twice.
///
/// The app's tables keep a secret among some twenty other options of a user. Paging by primary
/// key would read every one of those rows from the data file; paging along the app's own
/// `UNIQUE (username, option)` index reads the index and only the secret rows (8× faster on a
/// table of 100,000 users). Usernames are unique per option in that index, under its collation,
/// so "after the last username" is an exact cursor. Rows with a NULL username (not reachable
/// by the app) come first, by id. Tables without that index are paged by primary key.
final class SecretPager {
    private enum Phase { case nullUsernames, usernames, primaryKey, done }

    private let db: TeamCalDatabase
    private let table: String
    private let pageSize: Int
    private let index: String?
    private let collation: String
    private var phase: Phase
    private var lastID: Int64 = 0
    private var lastUsername: String?
    private var statements: [String: Statement] = [:]

    init(db: TeamCalDatabase, table: String, pageSize: Int) throws {
        self.db = db
        self.table = table
        self.pageSize = pageSize
        (index, collation) = try Self.inspect(db, table: table)
        phase = index == nil ? .primaryKey : .nullUsernames
    }

    /// Whether rows are read along the (username, option) index (else by primary key).
    var usesUsernameIndex: Bool { index != nil }

    /// Hands the rows of the next page (id, username, value) to `body`; returns how many, 0 at the end.
    func nextPage(_ body: (Row) throws -> Void) throws -> Int {
        while phase != .done {
            let seen = try read(body)
            if seen < pageSize { advance() }
            if seen > 0 { return seen }
        }
        return 0
    }

    private func advance() {
        switch phase {
        case .nullUsernames: phase = .usernames
        case .usernames, .primaryKey, .done: phase = .done
        }
    }

    private func read(_ body: (Row) throws -> Void) throws -> Int {
        let t = db.table(table)
        let columns = "SELECT id, username, value FROM \(t)"
        let sql: String
        var values: [Value]
        switch phase {
        case .nullUsernames:
            sql = "\(columns) FORCE INDEX (`\(index!)`) WHERE username IS NULL AND `option` = 'secret' AND id > ? ORDER BY id LIMIT ?"
            values = [.int(lastID)]
        case .usernames:
            if let lastUsername {
                let charset = collation.prefix { $0 != "_" }
                sql = "\(columns) FORCE INDEX (`\(index!)`) WHERE username > CONVERT(? USING \(charset)) COLLATE \(collation) AND `option` = 'secret' ORDER BY username LIMIT ?"
                values = [.text(lastUsername)]
            } else {
                sql = "\(columns) FORCE INDEX (`\(index!)`) WHERE username IS NOT NULL AND `option` = 'secret' ORDER BY username LIMIT ?"
                values = []
            }
        case .primaryKey:
            // The optimizer would otherwise pick the `option` index and sort every page.
            sql = "\(columns) FORCE INDEX (PRIMARY) WHERE id > ? AND `option` = 'secret' ORDER BY id LIMIT ?"
            values = [.int(lastID)]
        case .done:
            return 0
        }
        values.append(.int(Int64(pageSize)))
        let statement: Statement
        if let s = statements[sql] {
            statement = s
        } else {
            statement = try db.connection.prepare(sql)
            statements[sql] = statement
        }
        var seen = 0
        let byUsername = phase == .usernames
        try statement.query(values) { row in
            seen += 1
            if byUsername {
                lastUsername = row.string(1)
            } else {
                lastID = row.int(0) ?? lastID
            }
            try body(row)
        }
        return seen
    }

    /// The unique (username, option) index and the collation of `username`, if there are.
    private static func inspect(_ db: TeamCalDatabase, table: String) throws -> (index: String?, collation: String) {
        let name = db.schema.prefix + table
        var indexes: [String: (unique: Bool, columns: [String])] = [:]
        try db.connection.query("""
            SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX
            """, [name]) { row in
            guard let index = row.string(0), let column = row.string(2) else { return }
            indexes[index, default: (row.int(1) == 0, [])].columns.append(column.lowercased())
        }
        var collation: String?
        try db.connection.query("""
            SELECT COLLATION_NAME FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'username'
            """, [name]) { row in collation = row.string(0) }
        let found = indexes.first { $0.value.unique && $0.value.columns == ["username", "option"] }?.key
        guard let found, let collation, isIdentifier(found), isIdentifier(collation) else {
            return (nil, collation ?? db.schema.optionUsernameCollation)
        }
        return (found, collation)
    }

    private static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }
}
