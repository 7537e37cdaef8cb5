import TCDatabase

/// A name given on the command line matches nothing in the database (exit 65).
public struct LookupFailure: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

public struct GroupRef: Sendable, Hashable {
    public let id: Int64
    public let name: String
}

public struct RoleRef: Sendable, Hashable {
    public let id: Int64
    public let name: String
}

/// A user account found by name: its name as stored and its lookup key (the weight
/// under `user_option.username`'s collation, as `EnrollmentIndex` keys secrets).
public struct UserRef: Sendable, Hashable {
    public let username: String
    public let key: LookupKey
}

extension TeamCalDatabase {
    /// Finds an account as the app does when an admin types a name: `users.username`
    /// is binary, so the match is exact. When nothing matches exactly but names that differ
    /// only in case or accents exist, the failure names them.
    public func findUser(_ name: String) throws -> UserRef {
        let users = table("users")
        var found: UserRef?
        do {
            try connection.query("SELECT username, \(schema.lookupKey("username")) FROM \(users) WHERE username = ?", [name]) { row in
                if found == nil, let username = row.string(0) {
                    found = UserRef(username: username, key: row.lookupKey(1) ?? LookupKey(weight: []))
                }
            }
        } catch let error as DatabaseError where error.code == 1267 {
            // Characters the column's character set cannot hold (utf8mb3: no emoji): no such user.
            throw LookupFailure("no user '\(Printable.quoted(name))' — user names cannot hold characters like these")
        }
        if let found { return found }
        var similar: [String] = []
        try connection.query("""
            SELECT username FROM \(users) WHERE \(schema.lookupKey("username")) = \(schema.lookupKey("?")) ORDER BY username LIMIT 4
            """, [name]) { row in
            if let s = row.string(0) { similar.append(s) }
        }
        var message = "no user '\(Printable.quoted(name))'"
        if similar.count == 1 {
            message += " — did you mean '\(Printable.quoted(similar[0]))'? (names are matched exactly)"
        } else if !similar.isEmpty {
            message += " — did you mean one of: \(similar.map { "'\(Printable.quoted($0))'" }.joined(separator: ", "))?"
        } else {
            message += " — check the spelling ('tcadmin unenrolled --include-locked --include-hidden' lists accounts)"
        }
        throw LookupFailure(message)
    }

    /// Groups by name (as the app compares names) or, failing that, by numeric id.
    public func findGroups(_ specs: [String]) throws -> [GroupRef] {
        guard schema.has("groups"), schema.has("user_group") else {
            throw LookupFailure("this database has no \(schema.prefix)groups or \(schema.prefix)user_group table — drop --group")
        }
        var result: [GroupRef] = []
        for spec in specs {
            guard let group = try findNamed(table: "groups", spec) else {
                let known = try namesOf(table: "groups")
                throw LookupFailure("no group '\(Printable.quoted(spec))' — groups are: \(known.isEmpty ? "(none)" : known)")
            }
            if !result.contains(GroupRef(id: group.id, name: group.name)) { result.append(GroupRef(id: group.id, name: group.name)) }
        }
        return result
    }

    /// A role by name or numeric id (`roles` table: 1 Administrator, 2 User, 3 Public by default).
    public func findRole(_ spec: String) throws -> RoleRef {
        guard schema.has("roles") else {
            guard let id = Int64(spec) else {
                throw LookupFailure("this database has no \(schema.prefix)roles table — give the role as a number")
            }
            return RoleRef(id: id, name: spec)
        }
        guard let role = try findNamed(table: "roles", spec) else {
            let known = try namesOf(table: "roles")
            throw LookupFailure("no role '\(Printable.quoted(spec))' — roles are: \(known.isEmpty ? "(none)" : known)")
        }
        return RoleRef(id: role.id, name: role.name)
    }

    /// Lookup keys of the members and managers (not guests) of the groups. `user_group.username`
    /// has the same case-insensitive collation as `user_option.username`: matched by weight.
    public func memberKeys(of groups: [GroupRef]) throws -> LookupKeySet {
        var keys = LookupKeySet()
        guard !groups.isEmpty else { return keys }
        let marks = Array(repeating: "?", count: groups.count).joined(separator: ", ")
        try connection.query("""
            SELECT \(schema.lookupKey("username")) FROM \(table("user_group"))
            WHERE groupid IN (\(marks)) AND (type IS NULL OR type <> 'guest')
            """, groups.map(\.id)) { row in
            row.withBytes(0) { if let weight = $0 { keys.insert(weight: weight) } }
        }
        return keys
    }

    /// Group names by id (a small table).
    public func groupNames() throws -> [Int64: String] {
        guard schema.has("groups") else { return [:] }
        var names: [Int64: String] = [:]
        try connection.query("SELECT id, name FROM \(table("groups"))") { row in
            if let id = row.int(0) { names[id] = row.string(1) ?? "" }
        }
        return names
    }

    private func findNamed(table name: String, _ spec: String) throws -> (id: Int64, name: String)? {
        var found: (Int64, String)?
        try connection.query("SELECT id, name FROM \(table(name)) WHERE name = ? ORDER BY id LIMIT 1", [spec]) { row in
            if let id = row.int(0) { found = (id, row.string(1) ?? "") }
        }
        if found == nil, let id = Int64(spec) {
            try connection.query("SELECT id, name FROM \(table(name)) WHERE id = ?", [id]) { row in
                if let id = row.int(0) { found = (id, row.string(1) ?? "") }
            }
        }
        return found
    }

    private func namesOf(table name: String) throws -> String {
        var names: [String] = []
        var more = false
        try connection.query("SELECT name FROM \(table(name)) ORDER BY name LIMIT 21") { row in
            if names.count == 20 { more = true } else { names.append(Printable.quoted(row.string(0) ?? "")) }
        }
        return names.joined(separator: ", ") + (more ? ", ..." : "")
    }
}

/// Text from the database made safe to print on a terminal: control characters shown
/// as escapes, so a hostile name cannot move the cursor or fake a line.
public enum Printable {
    public static func quoted(_ s: String, limit: Int = 80) -> String {
        if isPlain(s) { return s.utf8.count <= limit || s.count <= limit ? s : String(s.prefix(limit)) + "…" }
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out.count > limit ? String(out.prefix(limit)) + "…" : out
    }

    /// Whether the text prints as itself (no control or direction characters).
    public static func isPlain(_ s: String) -> Bool {
        !s.unicodeScalars.contains { v in
            v.value < 0x20 || v.value == 0x7F || (0x80..<0xA0).contains(v.value) || v.value == 0x2028 || v.value == 0x2029
                || (0x202A...0x202E).contains(v.value) || (0x2066...0x2069).contains(v.value)
        }
    }
}
