import XCTest
@testable import TeamCal
import TestSupport

/// Finding users by name, removing secrets with compare-and-set, and putting them back.
final class SecretResetTests: XCTestCase {
    var database: TestDatabase?

    func demo() throws -> (TestDatabase, TeamCalDatabase) {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        database = db
        return (db, try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_"))
    }

    func secrets(_ db: TestDatabase) throws -> String {
        try db.sql("SELECT id, username, HEX(value) FROM tcneo_user_option WHERE `option` = 'secret' ORDER BY id")
    }

    func message(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch let e as LookupFailure { return e.message } catch { return "\(error)" }
    }

    func testFindUserIsExactAndSuggests() throws {
        let (_, tc) = try demo()
        XCTAssertEqual(try tc.findUser("MixedCase").username, "MixedCase")
        XCTAssertEqual(try tc.findUser("o'brien").username, "o'brien")
        XCTAssertEqual(message { try tc.findUser("mixedcase") }, "no user 'mixedcase' — did you mean 'MixedCase'? (names are matched exactly)")
        XCTAssertEqual(message { try tc.findUser("MULLER") }, "no user 'MULLER' — did you mean 'müller'? (names are matched exactly)")
        XCTAssertEqual(message { try tc.findUser("nobody") }, "no user 'nobody' — check the spelling ('tcadmin unenrolled --include-locked --include-hidden' lists accounts)")
        XCTAssertEqual(message { try tc.findUser("x\n😀") }, "no user 'x\\n😀' — user names cannot hold characters like these")
        XCTAssertEqual(message { try tc.findUser("' OR '1'='1") }?.hasPrefix("no user ''"), true)
    }

    func testResetRemovesExactlyTheAppsRowsWithCompareAndSet() throws {
        let (db, tc) = try demo()
        try db.sql("INSERT INTO tcneo_users (username, lastname) VALUES ('MÜLLER', 'twin')")
        let users = try ["jdoe", "MixedCase", "ckent", "dprince", "müller", "MÜLLER"].map(tc.findUser)
        let reset = try SecretReset(tc, users: users)
        XCTAssertEqual(reset.items.map(\.rows.count), [1, 1, 0, 0, 1, 0])
        XCTAssertEqual(reset.items[1].rows.first?.storedUsername, "mixedcase")
        XCTAssertEqual(reset.items[5].sharesRowWith, "müller", "one row serves both names in the app")
        let backup = reset.backup(database: db.name, prefix: "tcneo_")
        XCTAssertEqual(backup.entries.map(\.user), ["jdoe", "MixedCase", "müller"])

        // jdoe enrolls again between the backup and the delete: that row must stay.
        try db.sql("UPDATE tcneo_user_option SET value = 'v2:new' WHERE username = 'jdoe' AND `option` = 'secret'")
        var outcomes: [String: SecretReset.Outcome] = [:]
        let listener = try SyslogListener()
        try reset.execute(tc, audit: AuditLog(tc, actor: "tcadmin:test", syslog: Syslog(socketPath: listener.path))) { outcomes[$0.user.username] = $1 }
        XCTAssertEqual(outcomes, ["jdoe": .changed, "MixedCase": .removed, "ckent": .notEnrolled, "dprince": .notEnrolled,
                                  "müller": .removed, "MÜLLER": .sharedWith("müller")])
        XCTAssertEqual(try db.sql("SELECT username, value FROM tcneo_user_option WHERE `option` = 'secret' AND username IN ('jdoe', 'mixedcase', 'müller', 'dprince') ORDER BY id"),
                       "jdoe\tv2:new\ndprince\t\n")
        XCTAssertEqual(try db.sql("SELECT event FROM tcneo_log ORDER BY id"),
                       "User 2FA secret reset: MixedCase (tcadmin)\nUser 2FA secret reset: müller (tcadmin)\n")
    }

    func testRestorePutsBackOnlyWhereTheUserHasNotEnrolledAgain() throws {
        let (db, tc) = try demo()
        let before = try secrets(db)
        let users = try ["jdoe", "asmith", "bwayne", "MixedCase", "corrupt", "müller"].map(tc.findUser)
        let reset = try SecretReset(tc, users: users)
        let backup = reset.backup(database: db.name, prefix: "tcneo_")
        try reset.execute(tc, audit: nil) { _, _ in }
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_user_option WHERE `option` = 'secret' AND username IN ('jdoe', 'asmith', 'bwayne', 'mixedcase', 'corrupt', 'müller')"), "0\n")

        // Since: asmith enrolled again, bwayne has an empty row, corrupt's account is gone,
        // and a new row took jdoe's old id.
        try db.sql("""
            INSERT INTO tcneo_user_option (username, `option`, value) VALUES ('asmith', 'secret', 'v2:again'), ('BWAYNE', 'secret', '');
            DELETE FROM tcneo_users WHERE username = 'corrupt';
            UPDATE tcneo_user_option SET id = \(backup.entries[0].rowID) WHERE username = 'jdoe' AND `option` = 'avatar';
            """)
        let restore = try SecretRestore(tc, backup: backup, force: false)
        let actions = Dictionary(uniqueKeysWithValues: restore.items.map { ($0.entry.user, $0.action) })
        XCTAssertEqual(actions["jdoe"], .insert)
        XCTAssertEqual(actions["asmith"], .reenrolled)
        guard case .fill(let row)? = actions["bwayne"] else { return XCTFail("\(String(describing: actions["bwayne"]))") }
        XCTAssertEqual(row.storedUsername, "BWAYNE")
        XCTAssertEqual(actions["corrupt"], .userGone)
        XCTAssertEqual(actions["MixedCase"], .insert)
        XCTAssertTrue(restore.overwritten.isEmpty)
        var outcomes: [String: SecretRestore.Outcome] = [:]
        try restore.execute(tc, audit: nil) { outcomes[$0.entry.user] = $1 }
        XCTAssertEqual(outcomes, ["jdoe": .restored, "asmith": .skipped, "bwayne": .restored, "MixedCase": .restored,
                                  "corrupt": .skipped, "müller": .restored])
        func value(_ name: String) throws -> String {
            try db.sql("SELECT HEX(value) FROM tcneo_user_option WHERE `option` = 'secret' AND username = '\(name)'")
        }
        for entry in backup.entries where ["jdoe", "bwayne", "MixedCase", "müller"].contains(entry.user) {
            XCTAssertEqual(try value(entry.storedUsername), entry.value.map { String(format: "%02X", $0) }.joined() + "\n", entry.user)
        }
        XCTAssertEqual(try value("asmith"), "76323A616761696E\n", "the new secret stays")
        XCTAssertEqual(try db.sql("SELECT username FROM tcneo_user_option WHERE `option` = 'secret' AND value LIKE 'v2:Ri%'"), "jdoe\n",
                       "inserted under a new id, the old one being taken")
        // Run again: everything restorable is in place already.
        let again = try SecretRestore(tc, backup: backup, force: false)
        XCTAssertEqual(again.items.filter { $0.action == .alreadyInPlace }.count, 4)

        // --force replaces asmith's new secret, and says which value it replaced.
        let forced = try SecretRestore(tc, backup: backup, force: true)
        XCTAssertEqual(forced.overwritten.map(\.user), ["asmith"])
        XCTAssertEqual(forced.overwritten.first?.value, Array("v2:again".utf8))
        try forced.execute(tc, audit: nil) { _, _ in }
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_user_option WHERE `option` = 'secret' AND username = 'asmith' AND value LIKE '4XFh%'"), "1\n")
        XCTAssertNotEqual(try secrets(db), before)
    }

    func testRestoreRefusesABackupOfAnotherDatabase() throws {
        let (_, tc) = try demo()
        let backup = SecretBackup(database: "elsewhere", prefix: "tcneo_", entries: [])
        XCTAssertThrowsError(try SecretRestore(tc, backup: backup, force: false)) { error in
            XCTAssertTrue((error as! SecretBackup.Failure).message.hasPrefix("the backup is of database 'elsewhere' with prefix 'tcneo_'"))
        }
    }

    func testResetAndRestoreOfEveryUserOnTheRealDumpIsByteIdentical() throws {
        guard let dump = TestPaths.teamcalDump("sample.sql") else { throw XCTSkip("../shared/teamcal-neo is absent: real-dump test skipped") }
        let db = try TestServer.shared().createDatabase([dump])
        database = db
        // The dump holds no secrets: give every other user one, in every stored shape.
        try db.sql("""
            INSERT INTO tcneo_user_option (username, `option`, value)
            SELECT IF(n % 3 = 0, UPPER(username), username), 'secret',
                   ELT(n % 5 + 1, CONCAT('v2:', TO_BASE64(RANDOM_BYTES(48))), TO_BASE64(RANDOM_BYTES(32)), '', '0', CONCAT('é ', CHAR(9), '"'))
            FROM (SELECT username, ROW_NUMBER() OVER (ORDER BY username) AS n FROM tcneo_users) u
            """)
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let before = try db.sql("SELECT id, username, `option`, HEX(value) FROM tcneo_user_option ORDER BY id")
        let reset = try SecretReset(tc, users: try tc.allUsers())
        XCTAssertGreaterThan(reset.rowsToRemove.count, 5)
        let file = NSTemporaryDirectory() + "tcreset-\(UUID().uuidString).tcbak"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try reset.backup(database: db.name, prefix: "tcneo_").write(to: file)
        try reset.execute(tc, audit: AuditLog(tc, actor: "tcadmin:test", syslog: Syslog(socketPath: "/nonexistent"))) { _, outcome in
            XCTAssertNotEqual(outcome, .changed)
        }
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_user_option WHERE `option` = 'secret' AND value NOT IN ('', '0')"), "0\n")
        try SecretRestore(tc, backup: try SecretBackup.read(from: file), force: false).execute(tc, audit: nil) { _, outcome in
            XCTAssertEqual(outcome, .restored)
        }
        XCTAssertEqual(try db.sql("SELECT id, username, `option`, HEX(value) FROM tcneo_user_option ORDER BY id"), before)
    }
}
