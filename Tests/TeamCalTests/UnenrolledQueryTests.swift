import XCTest
@testable import TeamCal
import TestSupport

/// `UnenrolledQuery`: the app's rule (PHP-truthy value, case- and accent-insensitive lookup),
/// filters, and agreement with an independent SQL statement of the same rule.
final class UnenrolledQueryTests: XCTestCase {
    /// The rule written as SQL: the server's own collation comparison, bytes for truthiness.
    static let oracle = """
        SELECT u.username FROM tcneo_users u WHERE u.locked = 0 AND u.hidden = 0 AND NOT EXISTS (
          SELECT 1 FROM tcneo_user_option o WHERE o.`option` = 'secret'
            AND o.username = u.username COLLATE utf8mb3_general_ci
            AND OCTET_LENGTH(o.value) > 0 AND CAST(o.value AS BINARY) <> '0')
        """

    /// Keeps the test's database alive until the test ends (it is dropped on release).
    var database: TestDatabase?

    func demo() throws -> (TestDatabase, TeamCalDatabase) {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        database = db
        return (db, try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_"))
    }

    func names(_ query: UnenrolledQuery, _ tc: TeamCalDatabase) throws -> [String] {
        try query.collect(tc).map(\.username)
    }

    func testDemoDataDefaultsAndFlags() throws {
        let (_, tc) = try demo()
        let users = try UnenrolledQuery().collect(tc)
        XCTAssertEqual(users.map(\.username), ["ckent", "dprince", "ezero", "honhold", "iverify", "o'brien"])
        let byName = Dictionary(uniqueKeysWithValues: users.map { ($0.username, $0) })
        XCTAssertEqual(byName["honhold"]?.onHold, true)
        XCTAssertEqual(byName["iverify"]?.unverified, true)
        XCTAssertEqual(byName["o'brien"]?.fullName, "Olivia O'Brien")
        XCTAssertEqual(byName["o'brien"]?.groups, ["Support"])
        XCTAssertEqual(byName["ckent"]?.groups, ["Sales"])
        XCTAssertEqual(byName["iverify"]?.groups, [])
        XCTAssertEqual(byName["ckent"]?.lastLogin, "2026-11-27 07:30:00")
        XCTAssertEqual(try UnenrolledQuery().count(tc), 6)
    }

    func testLockedHiddenGroupAndRoleFilters() throws {
        let (db, tc) = try demo()
        var q = UnenrolledQuery()
        q.includeLocked = true
        XCTAssertEqual(try names(q, tc), ["ckent", "dprince", "ezero", "flocked", "honhold", "iverify", "o'brien"])
        q.includeHidden = true
        XCTAssertEqual(try names(q, tc), ["ckent", "dprince", "ezero", "flocked", "ghidden", "honhold", "iverify", "o'brien"])

        var g = UnenrolledQuery()
        g.groups = try tc.findGroups(["Support"])
        XCTAssertEqual(try names(g, tc), ["dprince", "ezero", "honhold", "o'brien"])
        g.groups = try tc.findGroups(["1", "support"])  // by id, and by name as the app compares names
        XCTAssertEqual(g.groups.map(\.name), ["Sales", "Support"])
        XCTAssertEqual(try names(g, tc), ["ckent", "dprince", "ezero", "honhold", "o'brien"])
        // Memberships are matched like secrets: case-insensitively. Guests are not members.
        try db.sql("INSERT INTO tcneo_user_group (username, groupid, type) VALUES ('IVERIFY', 1, 'member'), ('dprince', 1, 'guest')")
        g.groups = try tc.findGroups(["Sales"])
        XCTAssertEqual(try names(g, tc), ["ckent", "iverify"])

        var r = UnenrolledQuery()
        r.role = try tc.findRole("Administrator")
        XCTAssertEqual(try names(r, tc), [])
        try db.sql("UPDATE tcneo_users SET role = 1 WHERE username = 'ezero'")
        r.role = try tc.findRole("1")
        XCTAssertEqual(try names(r, tc), ["ezero"])

        XCTAssertThrowsError(try tc.findGroups(["Nope"])) { error in
            XCTAssertEqual((error as? LookupFailure)?.message, "no group 'Nope' — groups are: Sales, Support")
        }
        XCTAssertThrowsError(try tc.findRole("Boss")) { error in
            XCTAssertEqual((error as? LookupFailure)?.message, "no role 'Boss' — roles are: Administrator, Public, User")
        }
    }

    func testEdgeValuesAndNames() throws {
        let (db, tc) = try demo()
        try db.sql("""
            INSERT INTO tcneo_users (username, lastname) VALUES
              ('space', 'a'), ('nullval', 'b'), ('UPPER', 'c'), ('lower', 'd'), ('Trail', 'e'), ('Accent', 'f'), ('zero2', 'g'), ('orphan', 'h');
            INSERT INTO tcneo_user_option (username, `option`, value) VALUES
              ('space', 'secret', ' '), ('nullval', 'secret', NULL), ('upper', 'secret', 'x'), ('LOWER', 'secret', 'y'),
              ('trail ', 'secret', 'z'), ('accént', 'secret', 'w'), ('zero2', 'secret', '00'), ('someone', 'secret', 'v');
            """)
        let found = Set(try names(UnenrolledQuery(), tc))
        XCTAssertTrue(found.contains("nullval"), "NULL is not truthy")
        XCTAssertTrue(found.contains("orphan"), "a secret row of another name does not count")
        for enrolled in ["space", "UPPER", "lower", "Trail", "Accent", "zero2"] {
            XCTAssertFalse(found.contains(enrolled), "\(enrolled) is enrolled for the app")
        }
        XCTAssertEqual(found, try oracle(db))
    }

    func testOIDCListsOnlyTheLocalAdmin() throws {
        let (db, tc) = try demo()
        var q = UnenrolledQuery()
        q.onlyLocalAdmin = true
        XCTAssertEqual(try names(q, tc), [], "admin is enrolled in the demo data")
        try db.sql("DELETE FROM tcneo_user_option WHERE username = 'admin' AND `option` = 'secret'")
        XCTAssertEqual(try names(q, tc), ["admin"])
    }

    func testAgreesWithSQLOnTheRealDump() throws {
        guard let dump = TestPaths.teamcalDump("sample.sql") else { throw XCTSkip("../shared/teamcal-neo is absent: real-dump test skipped") }
        let db = try TestServer.shared().createDatabase([dump])
        database = db
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        // Give some users secrets in awkward spellings.
        try db.sql("""
            INSERT INTO tcneo_user_option (username, `option`, value)
            SELECT UPPER(username), 'secret', 'v2:x' FROM tcneo_users WHERE username <> 'admin' ORDER BY username LIMIT 3;
            INSERT IGNORE INTO tcneo_user_option (username, `option`, value)
            SELECT username, 'secret', '0' FROM tcneo_users ORDER BY username DESC LIMIT 2;
            """)
        let ours = try names(UnenrolledQuery(), tc)
        XCTAssertEqual(Set(ours), try oracle(db))
        XCTAssertGreaterThan(ours.count, 0)
    }

    func testLookupKeySetMatchesLikeTheCollation() {
        func weight(_ s: String) -> [UInt8] { s.utf8.flatMap { [0, $0] } }  // general_ci-like: two bytes a character
        var set = LookupKeySet()
        for i in 0..<20_000 { weight("USER\(i)").withUnsafeBytes { set.insert(weight: $0) } }
        weight("USER7   ").withUnsafeBytes { set.insert(weight: $0) }  // the same key: trailing spaces do not count
        [UInt8]().withUnsafeBytes { set.insert(weight: $0) }
        XCTAssertEqual(set.count, 20_001)
        for i in stride(from: 0, to: 20_000, by: 997) {
            XCTAssertTrue(weight("USER\(i)").withUnsafeBytes { set.contains(weight: $0) })
            XCTAssertTrue(weight("USER\(i) ").withUnsafeBytes { set.contains(weight: $0) })
            XCTAssertFalse(weight("USER\(i)x").withUnsafeBytes { set.contains(weight: $0) })
        }
        XCTAssertTrue(set.contains(LookupKey(weight: [0, 0x20])), "all spaces is the empty key")
        XCTAssertFalse(weight("USER").withUnsafeBytes { set.contains(weight: $0) })
        XCTAssertEqual(LookupKey(weight: weight("ab  ")), LookupKey(weight: weight("ab")))
    }

    func oracle(_ db: TestDatabase) throws -> Set<String> {
        Set(try db.sql(Self.oracle).split(separator: "\n").map(String.init))
    }
}
