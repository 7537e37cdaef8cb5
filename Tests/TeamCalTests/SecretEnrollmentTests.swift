import XCTest
@testable import TeamCal
import TestSupport

/// Storing an offline enrollment: the app's rows found with its collation, insert or
/// compare-and-set update, nothing written when the rows changed meanwhile.
final class SecretEnrollmentTests: XCTestCase {
    var database: TestDatabase?

    func demo() throws -> (TestDatabase, TeamCalDatabase) {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        database = db
        return (db, try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_"))
    }

    func secret(_ db: TestDatabase, _ user: String) throws -> String {
        try db.sql("SELECT username, value FROM tcneo_user_option WHERE `option` = 'secret' AND username = '\(user)' ORDER BY id")
    }

    func testFindsTheAppsRowsWhateverTheirValue() throws {
        let (db, tc) = try demo()
        try db.sql("UPDATE tcneo_user_option SET value = NULL WHERE username = 'ezero' AND `option` = 'secret'")
        let found = try ["ckent", "dprince", "ezero", "jdoe", "MixedCase"].map { try SecretEnrollment(tc, user: tc.findUser($0)) }
        XCTAssertEqual(found.map(\.rows.count), [0, 1, 1, 1, 1])
        XCTAssertEqual(found.map(\.isEnrolled), [false, false, false, true, true])
        XCTAssertEqual(found[1].rows.first?.value, [])
        XCTAssertEqual(found[2].rows.first?.value, nil, "NULL: not enrolled, but the row is there")
        XCTAssertEqual(found[4].rows.first?.storedUsername, "mixedcase", "found case-insensitively, as the app finds it")
        XCTAssertEqual(found[0].backup(database: db.name, prefix: "tcneo_").entries, [])
        let backup = found[3].backup(database: db.name, prefix: "tcneo_")
        XCTAssertEqual(backup.entries.map(\.user), ["jdoe"])
        XCTAssertEqual(String(decoding: backup.entries[0].value, as: UTF8.self), "v2:RiWPYM39OkWG3sCC0K5crgcjgxu77aL6fwrSEZR28RvvRqsuYLeysnJtqEju8gY3Y7pMqG1VuCO7uFgh00AfDQ==")
    }

    func testStoresByInsertOrUpdateAndAudits() throws {
        let (db, tc) = try demo()
        try db.sql("UPDATE tcneo_config SET value = '1' WHERE name = 'logUser'")
        try db.sql("UPDATE tcneo_user_option SET value = NULL WHERE username = 'ezero' AND `option` = 'secret'")
        let listener = try SyslogListener()
        let audit = AuditLog(tc, actor: "tcadmin:test", syslog: Syslog(socketPath: listener.path))
        for user in ["ckent", "dprince", "ezero", "MixedCase"] {
            let enrollment = try SecretEnrollment(tc, user: tc.findUser(user))
            XCTAssertEqual(try enrollment.store("v2:new-\(user)", in: tc, audit: audit), .stored, user)
        }
        XCTAssertEqual(try secret(db, "ckent"), "ckent\tv2:new-ckent\n", "inserted under the exact name")
        XCTAssertEqual(try secret(db, "dprince"), "dprince\tv2:new-dprince\n", "'' updated in place")
        XCTAssertEqual(try secret(db, "ezero"), "ezero\tv2:new-ezero\n", "NULL updated in place")
        XCTAssertEqual(try secret(db, "mixedcase"), "mixedcase\tv2:new-MixedCase\n", "the app's row, not a second one")
        XCTAssertEqual(try db.sql("SELECT user, event FROM tcneo_log WHERE type = 'logUser' ORDER BY id"), """
            tcadmin:test\tUser 2FA enrolled offline: ckent (tcadmin)
            tcadmin:test\tUser 2FA enrolled offline: dprince (tcadmin)
            tcadmin:test\tUser 2FA enrolled offline: ezero (tcadmin)
            tcadmin:test\tUser 2FA enrolled offline, replacing the old secret: MixedCase (tcadmin)

            """)
        XCTAssertEqual(listener.receive()?.contains("User 2FA enrolled offline: ckent (tcadmin) [database \(db.name), by tcadmin:test]"), true)
    }

    func testNothingIsWrittenWhenTheRowsChangedMeanwhile() throws {
        let (db, tc) = try demo()
        // ckent enrolls through the app between the QR code and the code typed.
        let ckent = try SecretEnrollment(tc, user: tc.findUser("ckent"))
        try db.sql("INSERT INTO tcneo_user_option (username, `option`, value) VALUES ('ckent', 'secret', 'v2:app')")
        XCTAssertEqual(try ckent.store("v2:mine", in: tc, audit: nil), .changed)
        XCTAssertEqual(try secret(db, "ckent"), "ckent\tv2:app\n")

        // dprince's empty row is filled meanwhile; jdoe's secret is replaced meanwhile.
        let dprince = try SecretEnrollment(tc, user: tc.findUser("dprince"))
        let jdoe = try SecretEnrollment(tc, user: tc.findUser("jdoe"))
        try db.sql("UPDATE tcneo_user_option SET value = 'v2:app' WHERE username IN ('dprince', 'jdoe') AND `option` = 'secret'")
        XCTAssertEqual(try dprince.store("v2:mine", in: tc, audit: nil), .changed)
        XCTAssertEqual(try jdoe.store("v2:mine", in: tc, audit: nil), .changed)
        XCTAssertEqual(try secret(db, "dprince") + secret(db, "jdoe"), "dprince\tv2:app\njdoe\tv2:app\n")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log"), "0\n")
    }
}
