import TCCrypto
import TCDatabase

/// Who is enrolled in 2FA, by the app's own rule (SPEC §2.4): a user is enrolled when
/// `user_option` holds a `secret` row for them whose value is PHP-truthy, found with
/// `user_option.username`'s case- and accent-insensitive collation.
///
/// The index holds the collation weight of each enrolled name, computed by the server
/// (`WEIGHT_STRING`), so matching in Swift is exactly the server's comparison, and one
/// streaming pass over the secret rows replaces a per-user index probe.
public struct EnrollmentIndex: Sendable {
    private var enrolled = LookupKeySet()
    /// Secret rows by how they are stored (by prefix only: no key is used here).
    public private(set) var storedV2 = 0
    public private(set) var storedLegacy = 0
    public private(set) var storedEmpty = 0

    public init(_ db: TeamCalDatabase, archive: Bool = false) throws {
        let table = db.table(archive ? "archive_user_option" : "user_option")
        try db.connection.query("""
            SELECT \(db.schema.lookupKey("username")), value FROM \(table) WHERE `option` = 'secret'
            """) { row in
            switch row.withBytes(1, { $0.flatMap(StoredSecret.format(of:)) }) {
            case nil: storedEmpty += 1; return
            case .v2?: storedV2 += 1
            case .legacyECB?: storedLegacy += 1
            }
            row.withBytes(0) { if let weight = $0 { enrolled.insert(weight: weight) } }
        }
    }

    /// Only who is enrolled, without the format counts: the server applies the truthy test
    /// and sends just the keys. The test is on the bytes: under the column's PAD SPACE
    /// collation ' ' equals '', but PHP finds ' ' truthy.
    public init(_ db: TeamCalDatabase, enrolledOnly: Bool, archive: Bool = false) throws {
        guard enrolledOnly else { try self.init(db, archive: archive); return }
        let table = db.table(archive ? "archive_user_option" : "user_option")
        var keys = LookupKeySet()
        try db.connection.query("""
            SELECT \(db.schema.lookupKey("username")) FROM \(table)
            WHERE `option` = 'secret' AND OCTET_LENGTH(value) > 0 AND CAST(value AS BINARY) <> '0'
            """) { row in
            row.withBytes(0) { if let weight = $0 { keys.insert(weight: weight) } }
        }
        self.init(enrolled: keys)
    }

    private init(enrolled: LookupKeySet) {
        self.enrolled = enrolled
    }

    public var enrolledNameCount: Int { enrolled.count }

    /// Whether the user whose lookup weight is `key` is enrolled.
    public func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        enrolled.contains(weight: key)
    }

    public func contains(_ key: [UInt8]) -> Bool {
        key.withUnsafeBytes { contains($0) }
    }

    public func contains(_ key: LookupKey) -> Bool {
        enrolled.contains(key)
    }

    /// PAD SPACE collations ignore trailing spaces, but WEIGHT_STRING keeps their weights
    /// (0x0020 per space in the general collations): drop them so 'a ' matches 'a'.
    static func normalize(_ weight: UnsafeRawBufferPointer) -> [UInt8] {
        var end = weight.count
        while end >= 2 && weight[end - 2] == 0x00 && weight[end - 1] == 0x20 { end -= 2 }
        return Array(weight[0..<end])
    }
}

/// Counts of users by the flags that decide whether they can log in.
public struct UserCounts: Sendable, Equatable {
    public var total = 0
    public var locked = 0
    public var hidden = 0
    /// Neither locked nor hidden.
    public var active = 0
    public var activeEnrolled = 0
    public var enrolled = 0

    public var activeNotEnrolled: Int { active - activeEnrolled }

    public init() {}

    public init(_ db: TeamCalDatabase, enrollment: EnrollmentIndex) throws {
        try db.connection.query("""
            SELECT locked, hidden, \(db.schema.lookupKey("username")) FROM \(db.table("users"))
            """) { row in
            let locked = (row.int(0) ?? 0) != 0
            let hidden = (row.int(1) ?? 0) != 0
            let enrolled = row.withBytes(2) { $0.map(enrollment.contains) ?? false }
            total += 1
            if locked { self.locked += 1 }
            if hidden { self.hidden += 1 }
            if enrolled { self.enrolled += 1 }
            if !locked && !hidden {
                active += 1
                if enrolled { activeEnrolled += 1 }
            }
        }
    }
}
