import XCTest
import Foundation
import TestSupport

/// `tcadmin unenrolled`, through the built binary: every format exactly, filters, exit codes.
final class UnenrolledCLITests: XCTestCase {
    var db: TestDatabase!
    var app: TestAppDir!

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        app = try TestAppDir(for: db)
    }

    func run(_ args: [String]) throws -> Shell.Result {
        try TCAdminBinary.run(["--app-dir", app.path, "unenrolled"] + args)
    }

    func testTextTable() throws {
        let r = try run([])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            USERNAME  NAME            EMAIL                LAST LOGIN           GROUPS   FLAGS
            ckent     Clark Kent      ckent@example.org    2026-11-27 07:30:00  Sales
            dprince   Diana Prince    dprince@example.org  2026-11-26 10:00:00  Support
            ezero     Evan Zero       ezero@example.org    2026-11-25 11:00:00  Support
            honhold   Hana Onhold     honhold@example.org  2026-01-04 12:00:00  Support  on hold
            iverify   Ivan Verify     iverify@example.org  2026-01-05 12:00:00           unverified
            o'brien   Olivia O'Brien  obrien@example.org   2026-11-20 15:00:00  Support

            """)
        XCTAssertEqual(r.stderr, "6 users not enrolled\n")
    }

    func testNamesIsOnlyNamesAndFailIfAny() throws {
        var r = try run(["--format", "names", "--fail-if-any"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "ckent\ndprince\nezero\nhonhold\niverify\no'brien\n")
        XCTAssertEqual(r.stderr, "")
        r = try run(["--format", "names", "--include-locked", "--include-hidden", "--group", "Sales", "--group", "2"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "ckent\ndprince\nezero\nhonhold\no'brien\n")
        r = try run(["--format", "names", "--include-locked", "--include-hidden"])
        XCTAssertEqual(r.stdout, "ckent\ndprince\nezero\nflocked\nghidden\nhonhold\niverify\no'brien\n")
        // Everyone enrolled: nothing at all, and 0 even with --fail-if-any.
        try db.sql("INSERT INTO tcneo_user_option (username, `option`, value) SELECT username, 'secret', 'x' FROM tcneo_users ON DUPLICATE KEY UPDATE value = 'x'")
        r = try run(["--format", "names", "--fail-if-any", "--include-locked", "--include-hidden"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        r = try run([])
        XCTAssertEqual(r.stdout, "no unenrolled users\n")
    }

    func testCSVIsRFC4180() throws {
        try db.sql("""
            INSERT INTO tcneo_users (username, firstname, lastname, email, locked, last_login) VALUES ('q,uote', 'Say "hi"', 'Multi\nLine', 'q@example.org', 1, '2026-02-03 04:05:06');
            INSERT INTO tcneo_user_group (username, groupid, type) VALUES ('Q,UOTE', 1, 'manager'), ('q,uote', 2, 'member');
            """)
        let r = try run(["--format", "csv", "--include-locked", "--role", "User"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, [
            "username,firstname,lastname,email,last_login,groups,locked,hidden,onhold,unverified",
            "ckent,Clark,Kent,ckent@example.org,2026-11-27 07:30:00,Sales,0,0,0,0",
            "dprince,Diana,Prince,dprince@example.org,2026-11-26 10:00:00,Support,0,0,0,0",
            "ezero,Evan,Zero,ezero@example.org,2026-11-25 11:00:00,Support,0,0,0,0",
            "flocked,Fiona,Locked,flocked@example.org,2026-01-02 12:00:00,,1,0,0,0",
            "honhold,Hana,Onhold,honhold@example.org,2026-01-04 12:00:00,Support,0,0,1,0",
            "iverify,Ivan,Verify,iverify@example.org,2026-01-05 12:00:00,,0,0,0,1",
            "o'brien,Olivia,O'Brien,obrien@example.org,2026-11-20 15:00:00,Support,0,0,0,0",
            "\"q,uote\",\"Say \"\"hi\"\"\",\"Multi\nLine\",q@example.org,2026-02-03 04:05:06,Sales;Support,1,0,0,0",
        ].map { $0 + "\r\n" }.joined())
        XCTAssertEqual(r.stderr, "")
    }

    func testJSONShape() throws {
        let r = try run(["--format", "json", "--group", "Sales"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            {
              "users": [
                {
                  "username": "ckent",
                  "firstname": "Clark",
                  "lastname": "Kent",
                  "email": "ckent@example.org",
                  "last_login": "2026-11-27 07:30:00",
                  "groups": [
                    "Sales"
                  ],
                  "locked": false,
                  "hidden": false,
                  "onhold": false,
                  "unverified": false
                }
              ],
              "count": 1,
              "oidc": false
            }

            """)
    }

    func testUnknownGroupOrRoleAndBadFormat() throws {
        var r = try run(["--group", "Nope"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "Error: no group 'Nope' — groups are: Sales, Support\n")
        r = try run(["--role", "99"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: no role '99' — roles are: Administrator, Public, User\n")
        r = try run(["--format", "nagios"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.hasPrefix("Error: 'unenrolled' has no format 'nagios' — use one of: text, csv, json, names\n"), r.stderr)
    }

    func testHostileNamesNeverReachTheTerminalOrAPipeRaw() throws {
        try db.sql("INSERT INTO tcneo_users (username, firstname, lastname) VALUES ('evil\\nroot', 'E', 'Vil'), (CONCAT('red', CHAR(27), '[31m'), '', 'Red')")
        var r = try run(["--format", "names"])
        XCTAssertEqual(r.stdout, "ckent\ndprince\nezero\nhonhold\niverify\no'brien\n")
        XCTAssertEqual(r.stderr, "warning: 2 usernames with control characters left out of the list (see --format json)\n")
        r = try run([])
        XCTAssertTrue(r.stdout.contains("evil\\nroot "), r.stdout)
        XCTAssertTrue(r.stdout.contains("red\\u{1b}[31m "), r.stdout)
        XCTAssertFalse(r.stdout.contains("\u{1B}"))
        r = try run(["--format", "json"])
        XCTAssertTrue(r.stdout.contains("\"username\": \"evil\\nroot\""), r.stdout)
    }

    func testOIDCListsOnlyAdminAndSaysWhy() throws {
        app = try TestAppDir(for: db, extraEnv: "OIDC_YES=1")
        try db.sql("DELETE FROM tcneo_user_option WHERE username = 'admin' AND `option` = 'secret'")
        let r = try run(["--format", "names"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "admin\n")
        XCTAssertEqual(r.stderr, "OIDC is on: local 2FA applies only to the admin account; other users' 2FA is managed by the identity provider\n")
    }

    func testRealDumpMatchesTheSQLRule() throws {
        guard let dump = TestPaths.teamcalDump("sample.sql") else { throw XCTSkip("../shared/teamcal-neo is absent: real-dump test skipped") }
        let real = try TestServer.shared().createDatabase([dump])
        try real.sql("""
            INSERT INTO tcneo_user_option (username, `option`, value)
            SELECT IF(n % 2 = 0, UPPER(username), username), 'secret', ELT(n % 3 + 1, 'v2:abc', '', '0')
            FROM (SELECT username, ROW_NUMBER() OVER (ORDER BY username) AS n FROM tcneo_users) u WHERE n % 4 <> 0
            """)
        let app = try TestAppDir(for: real)
        let r = try TCAdminBinary.run(["--app-dir", app.path, "unenrolled", "--format", "names"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = try real.sql("""
            SELECT u.username FROM tcneo_users u WHERE u.locked = 0 AND u.hidden = 0 AND NOT EXISTS (
              SELECT 1 FROM tcneo_user_option o WHERE o.`option` = 'secret' AND o.username = u.username COLLATE utf8mb3_general_ci
                AND OCTET_LENGTH(o.value) > 0 AND CAST(o.value AS BINARY) <> '0')
            """)
        XCTAssertEqual(Set(r.stdout.split(separator: "\n")), Set(expected.split(separator: "\n")))
        XCTAssertFalse(r.stdout.isEmpty)
    }
}
