import TCDatabase

/// A user the app would send to 2FA setup: no `secret` row with a PHP-truthy value.
public struct UnenrolledUser: Sendable, Equatable {
    public var username: String
    public var firstname = ""
    public var lastname = ""
    public var email = ""
    /// As stored ("YYYY-MM-DD HH:MM:SS"); nil when NULL.
    public var lastLogin: String?
    public var role: Int64?
    public var locked = false
    public var hidden = false
    public var onHold = false
    /// Registered but not yet verified (`verify` = 1).
    public var unverified = false
    /// Names of the groups the user is a member or manager of (filled by `collect`).
    public var groups: [String] = []
    /// Lookup key (collation weight of the name).
    public var key: LookupKey?

    public var fullName: String {
        [firstname, lastname].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// Exactly the users the app treats as not enrolled (SPEC §2.4), in one pass over the
/// secret rows and one over the users — no per-user probe — so it scales with a
/// sequential scan. Locked and hidden users are left out unless asked for.
public struct UnenrolledQuery: Sendable {
    /// Any of these groups (members and managers).
    public var groups: [GroupRef] = []
    public var role: RoleRef?
    public var includeLocked = false
    public var includeHidden = false
    /// With OIDC on, only the local `admin` account logs in locally and uses local 2FA.
    public var onlyLocalAdmin = false

    public init() {}

    /// Streams each unenrolled user to `body` in the table's order, without holding them.
    /// Without `details` only the name, flags and role are read.
    public func forEach(_ db: TeamCalDatabase, details: Bool = false, _ body: (UnenrolledUser) throws -> Void) throws {
        let enrolled = try EnrollmentIndex(db, enrolledOnly: true)
        let members: LookupKeySet? = groups.isEmpty ? nil : try db.memberKeys(of: groups)
        var conditions: [String] = []
        if !includeLocked { conditions.append("locked = 0") }
        if !includeHidden { conditions.append("hidden = 0") }
        if onlyLocalAdmin { conditions.append("username = 'admin'") }
        var columns = "username, \(db.schema.lookupKey("username")), role, locked, hidden"
        if details { columns += ", firstname, lastname, email, last_login, onhold, verify" }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let wantedRole = role?.id
        try db.connection.query("SELECT \(columns) FROM \(db.table("users"))\(whereClause)") { row in
            let keep = row.withBytes(1) { weight -> Bool in
                guard let weight else { return members == nil }
                return !enrolled.contains(weight) && (members?.contains(weight: weight) ?? true)
            }
            guard keep else { return }
            if let wantedRole, row.int(2) != wantedRole { return }
            var user = UnenrolledUser(username: row.string(0) ?? "")
            user.role = row.int(2)
            user.locked = (row.int(3) ?? 0) != 0
            user.hidden = (row.int(4) ?? 0) != 0
            if details {
                user.key = row.lookupKey(1)
                user.firstname = row.string(5) ?? ""
                user.lastname = row.string(6) ?? ""
                user.email = row.string(7) ?? ""
                user.lastLogin = row.string(8)
                user.onHold = (row.int(9) ?? 0) != 0
                user.unverified = (row.int(10) ?? 0) != 0
            }
            try body(user)
        }
    }

    /// Every unenrolled user with details and group names, sorted by name (binary order).
    public func collect(_ db: TeamCalDatabase) throws -> [UnenrolledUser] {
        var users: [UnenrolledUser] = []
        try forEach(db, details: true) { users.append($0) }
        users.sort { $0.username.utf8.lexicographicallyPrecedes($1.username.utf8) }
        guard !users.isEmpty, db.schema.has("user_group") else { return users }
        // One pass over the memberships, keeping only those of the users listed.
        var index: [LookupKey: [Int]] = [:]
        for (i, user) in users.enumerated() { if let key = user.key { index[key, default: []].append(i) } }
        let names = try db.groupNames()
        var groupsOf: [Int: Set<String>] = [:]
        try db.connection.query("""
            SELECT \(db.schema.lookupKey("username")), groupid FROM \(db.table("user_group"))
            WHERE type IS NULL OR type <> 'guest'
            """) { row in
            guard let key = row.lookupKey(0), let positions = index[key],
                  let id = row.int(1), let name = names[id] else { return }
            for i in positions { groupsOf[i, default: []].insert(name) }
        }
        for (i, set) in groupsOf { users[i].groups = set.sorted() }
        return users
    }

    /// How many users the query finds.
    public func count(_ db: TeamCalDatabase) throws -> Int {
        var n = 0
        try forEach(db) { _ in n += 1 }
        return n
    }
}
