import XCTest
import Foundation
import TestSupport

/// Hostile usernames and codes through the built binary: quotes, backslashes, SQL, wildcards,
/// over-long and non-ASCII names, control and direction characters; codes of every wrong shape.
/// Unknown names are 65 with one escaped line and nothing changed; names that exist, however
/// odd, are found exactly (prepared statements, binary comparison).
final class HostileInputCLITests: XCTestCase {
    var db: TestDatabase!
    var app: TestAppDir!
    let t0: Int64 = 1764763200
    /// jdoe's code at t0 (the first PHP vector); every odd user below gets jdoe's stored value.
    let code = "836385"

    static let oddNames = [
        "o'hara", "back\\slash", "\\'; --", "\"; DROP TABLE tcneo_users; --", "admin' OR '1'='1",
        "zoë", "Ærøskøbing", "日本語ユーザー", "%", "_", "a b", String(repeating: "n", count: 40),
        "\u{202E}nimda", "ad\u{200B}min", "tab\there",
    ]

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        app = try TestAppDir(for: db)
        let jdoe = try db.sql("SELECT value FROM tcneo_user_option WHERE username = 'jdoe' AND `option` = 'secret'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for name in Self.oddNames {
            try db.sql("""
                INSERT INTO tcneo_users (username, firstname) VALUES (\(hex(name)), 'odd');
                INSERT INTO tcneo_user_option (username, `option`, value) VALUES (\(hex(name)), 'secret', \(hex(jdoe)));
                """)
        }
    }

    /// A string as an SQL hex literal: the test's own SQL never quotes anything.
    func hex(_ s: String) -> String { "X'" + s.utf8.map { String(format: "%02x", $0) }.joined() + "'" }

    func run(_ args: [String], stdin: String? = nil) throws -> Shell.Result {
        try TCAdminBinary.run(["--app-dir", app.path] + args, stdin: stdin)
    }

    func checksum() throws -> String { try db.sql("CHECKSUM TABLE tcneo_users, tcneo_user_option, tcneo_config, tcneo_log") }

    func testOddNamesThatExistAreFoundExactly() throws {
        for name in Self.oddNames {
            let r = try run(["test-code", name, code, "--time", String(t0), "--format", "json"])
            XCTAssertEqual(r.status, 0, "\(name.debugDescription): \(r.stderr)")
            let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            XCTAssertEqual(j["user"] as? String, name, "the user found is exactly the one named")
            XCTAssertEqual(j["accepted"] as? Bool, true)
        }
    }

    func testUnknownHostileNamesAre65OneEscapedLineNothingChanged() throws {
        let before = try checksum()
        let names: [(String, String)] = [
            ("' OR '1'='1' --", "no user '' OR '1'='1' --'"),
            ("x' UNION SELECT value FROM tcneo_user_option --", "no user 'x' UNION SELECT"),
            ("jdoe'; DELETE FROM tcneo_user_option; --", "no user 'jdoe'; DELETE"),
            ("j%", "no user 'j%'"),
            ("jdo_", "no user 'jdo_'"),
            ("\\", "no user '\\'"),
            (String(repeating: "x", count: 41), "no user 'xxxxxxxxxx"),
            (String(repeating: "y", count: 10_000), "no user 'yyyyyyyyyy"),
            ("😀", "no user '😀'"),
            ("a😀b", "no user 'a😀b'"),
            ("jd\u{200B}oe", "no user 'jd\u{200B}oe'"),
            ("\u{202E}eodj", "no user '\\u{202e}eodj'"),
            ("jdoe\nError: everything is fine", "no user 'jdoe\\nError: everything is fine'"),
            ("\u{1B}[2J\u{1B}[31mred", "no user '\\u{1b}[2J\\u{1b}[31mred'"),
            ("mu\u{0308}ller", "no user 'mu\u{0308}ller'"),
        ]
        for (name, message) in names {
            let r = try run(["test-code", name, code, "--time", String(t0)])
            XCTAssertEqual(r.status, 65, "\(name.prefix(50).debugDescription): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("Error: " + message), "\(name.prefix(50).debugDescription): \(r.stderr)")
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "one line: \(r.stderr.debugDescription)")
            XCTAssertFalse(r.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E }, "escaped: \(r.stderr.debugDescription)")
            XCTAssertLessThan(r.stderr.count, 400, "a long name is cut")
            XCTAssertEqual(r.stdout, "")
        }
        XCTAssertEqual(try checksum(), before, "nothing changed")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_users").trimmingCharacters(in: .whitespacesAndNewlines), String(16 + Self.oddNames.count))
    }

    func testCodesOfEveryWrongShape() throws {
        let cases: [(String, String)] = [
            ("", "no code given"),
            ("12345", "exactly six digits 0-9 (got 5 characters)"),
            ("1234567", "exactly six digits 0-9 (got 7 characters)"),
            ("83638a", "exactly six digits"),
            ("+83638", "exactly six digits"),
            ("836 385", "contains a space"),
            ("836\t385", "contains a space"),
            ("836\u{00A0}385", "contains a space"),
            ("８３６３８５", "non-ASCII digits"),
            ("٨٣٦٣٨٥", "non-ASCII digits"),
            ("۸۳۶۳۸۵", "non-ASCII digits"),
            ("⁸³⁶³⁸⁵", "non-ASCII digits"),
            ("836385836385", "exactly six digits 0-9 (got 12 characters)"),
            ("8\u{0301}36385", "exactly six digits"),
        ]
        for (candidate, message) in cases {
            let r = try run(["test-code", "jdoe", candidate, "--time", String(t0)])
            XCTAssertEqual(r.status, 65, "\(candidate.debugDescription): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(candidate.debugDescription): \(r.stderr)")
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        // A leading dash reads as an option: a usage error, and the code is not echoed as one.
        var r = try run(["test-code", "jdoe", "-83638", "--time", String(t0)])
        XCTAssertEqual(r.status, 64, r.stderr)
        r = try run(["test-code", "jdoe", "--time", String(t0), "--", "-83638"])
        XCTAssertEqual(r.status, 65, r.stderr)
        // Options with hostile values are usage errors (64), not crashes.
        for time in ["1e9", "-1", "99999999999999999999", "0x10", ""] {
            let r = try run(["test-code", "jdoe", code, "--time", time])
            XCTAssertEqual(r.status, 64, "--time \(time): \(r.stderr)")
        }
    }

    func testCodesFromStdin() throws {
        let cases: [(String, Int32, String)] = [
            ("", 65, "no code on stdin"),
            ("\n", 65, "no code given"),
            ("836385\r\n", 0, "accepted"),
            ("  836385  \n", 0, "accepted"),
            ("836\u{0}385\n", 65, "exactly six digits"),
            ("\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\n", 65, "exactly six digits"),
            (String(repeating: "8", count: 1 << 20), 65, "exactly six digits 0-9 (got 1048576 characters)"),
            (String(repeating: "8", count: 1 << 20) + "\n836385\n", 65, "exactly six digits"),
        ]
        for (input, status, message) in cases {
            let r = try run(["test-code", "jdoe", "--time", String(t0)], stdin: input)
            XCTAssertEqual(r.status, status, "\(input.prefix(20).debugDescription): \(r.stderr)")
            XCTAssertTrue((r.stdout + r.stderr).contains(message), "\(input.prefix(20).debugDescription): \(r.stdout)\(r.stderr)")
            XCTAssertLessThan(r.stderr.count, 400)
        }
    }

    func testHostileNamesInTheDatabaseAreEscapedInTextAndExactInJSON() throws {
        let forged = "evil\u{1B}[32m\nundecryptable: admin"
        try db.sql("""
            INSERT INTO tcneo_users (username) VALUES (\(hex(forged)));
            INSERT INTO tcneo_user_option (username, `option`, value) VALUES (\(hex(forged)), 'secret', 'v2:AAAA');
            """)
        var r = try run(["verify-secrets"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("undecryptable: evil\\u{1b}[32m\\nundecryptable: admin — "), r.stdout)
        XCTAssertFalse(r.stdout.contains("\u{1B}"), "no raw escape reaches the terminal")
        XCTAssertFalse(r.stdout.split(separator: "\n").contains { $0.hasPrefix("undecryptable: admin") }, "no forged line")
        r = try run(["verify-secrets", "--format", "json"])
        let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
        let names = (j["undecryptable"] as! [[String: String]]).map { $0["username"]! }
        XCTAssertTrue(names.contains(forged), "\(names)")
        // test-code names it escaped too.
        r = try run(["test-code", forged, code])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("the stored secret of 'evil\\u{1b}[32m\\nundecryptable: admin' cannot be used"), r.stderr)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
    }
}
