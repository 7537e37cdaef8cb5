import XCTest
import Foundation
import TestSupport

/// `tcadmin reset-2fa` and `restore-2fa`, through the built binary: validation before any
/// write, the backup file, dry runs, byte-identical round trips, refusals and exit codes.
final class ResetTfaCLITests: XCTestCase {
    var db: TestDatabase!
    var app: TestAppDir!
    var state = ""

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        app = try TestAppDir(for: db)
        state = NSTemporaryDirectory() + "tcadmin-state-\(UUID().uuidString)/nested"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: (state as NSString).deletingLastPathComponent)
    }

    func run(_ args: [String], stdin: String? = nil) throws -> Shell.Result {
        try TCAdminBinary.run(["--app-dir", app.path] + args, environment: ["USER": "tester", "TCADMIN_STATE_DIR": state,
                                                                            "TCADMIN_SYSLOG_SOCKET": "/nonexistent"], stdin: stdin)
    }

    /// Every option row, values as hex: what "nothing changed" and "byte-identical" compare.
    func table() throws -> String {
        try db.sql("SELECT id, username, `option`, HEX(value) FROM tcneo_user_option ORDER BY id")
    }

    func backups() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: state)) ?? []).sorted().map { state + "/" + $0 }
    }

    func testUnknownUsersChangeNothing() throws {
        let before = try table()
        var r = try run(["reset-2fa", "jdoe", "nobody", "--yes"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "Error: no user 'nobody' — check the spelling ('tcadmin unenrolled --include-locked --include-hidden' lists accounts)\n")
        r = try run(["reset-2fa", "mixedcase", "JDOE", "--yes"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: 2 unknown users, nothing changed: no user 'mixedcase' — did you mean 'MixedCase'? (names are matched exactly); no user 'JDOE' — did you mean 'jdoe'? (names are matched exactly)\n")
        XCTAssertEqual(try table(), before)
        XCTAssertEqual(backups(), [])
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log"), "0\n")
    }

    func testDryRunAndConfirmationChangeNothing() throws {
        let before = try table()
        var r = try run(["reset-2fa", "jdoe", "ckent", "--dry-run"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("would reset jdoe\nwould back up 1 secret to \(state)/reset-"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("-\(db.name).tcbak and reset 1 user\n"), r.stdout)
        XCTAssertEqual(r.stderr, "ckent: not enrolled — nothing to reset\ndry run: nothing changed\n")
        r = try run(["reset-2fa", "jdoe"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "Error: confirmation needed and stdin is not a terminal — add --yes to go ahead (or --dry-run to look first)\n")
        XCTAssertEqual(try table(), before)
        XCTAssertEqual(backups(), [])
        r = try run(["reset-2fa", "ckent", "dprince", "--yes"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "nothing to reset: none of the 2 users is enrolled\n")
        XCTAssertEqual(try table(), before)
    }

    func testResetThenRestoreIsByteIdentical() throws {
        let before = try table()
        var r = try run(["reset-2fa", "jdoe", "MixedCase", "müller", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = backups()
        XCTAssertEqual(files.count, 1)
        let file = files[0]
        XCTAssertEqual(r.stdout, """
            backup: \(file) (3 secrets; undo with: tcadmin restore-2fa --from \(file))
            reset jdoe
            reset MixedCase
            reset müller

            """)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? Int, 0o700)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertFalse(text.contains("v2:"), "values are stored encoded")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_user_option WHERE `option` = 'secret' AND username IN ('jdoe', 'mixedcase', 'müller')"), "0\n")
        XCTAssertEqual(try db.sql("SELECT type, ip, user, event FROM tcneo_log ORDER BY id"), """
            logUser\tcli\ttcadmin:tester\tUser 2FA secret reset: jdoe (tcadmin)
            logUser\tcli\ttcadmin:tester\tUser 2FA secret reset: MixedCase (tcadmin)
            logUser\tcli\ttcadmin:tester\tUser 2FA secret reset: müller (tcadmin)

            """)
        // The users now show up as not enrolled.
        r = try run(["unenrolled", "--format", "names"])
        XCTAssertEqual(r.stdout, "jdoe\nckent\ndprince\nezero\nhonhold\niverify\no'brien\nmüller\nMixedCase\n")

        r = try run(["restore-2fa", "--from", file, "--dry-run"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "would restore jdoe\nwould restore MixedCase\nwould restore müller\n")
        XCTAssertEqual(r.stderr, "dry run: nothing changed\n")
        r = try run(["restore-2fa", "--from", file])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "restored jdoe\nrestored MixedCase\nrestored müller\n")
        XCTAssertEqual(try table(), before, "every row back, same id, same bytes")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log WHERE event LIKE 'User 2FA secret restored: %'"), "3\n")
        // Twice is harmless.
        r = try run(["restore-2fa", "--from", file])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "nothing to restore\n")
    }

    func testBackupThatCannotBeWrittenStopsTheReset() throws {
        let before = try table()
        let existing = NSTemporaryDirectory() + "tcadmin-existing-\(UUID().uuidString).tcbak"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: existing))
        defer { try? FileManager.default.removeItem(atPath: existing) }
        var r = try run(["reset-2fa", "jdoe", "--yes", "--backup", existing])
        XCTAssertEqual(r.status, 73)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "Error: the backup file \(existing) already exists — give another --backup FILE (existing backups are never overwritten)\n")
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "precious")
        r = try run(["reset-2fa", "jdoe", "--yes", "--backup", existing + "/below-a-file.tcbak"])
        XCTAssertEqual(r.status, 73)
        XCTAssertTrue(r.stderr.hasPrefix("Error: cannot write \(existing)/below-a-file.tcbak: creating a file in \(existing) failed (Not a directory)"), r.stderr)
        XCTAssertEqual(try table(), before, "nothing deleted without a backup")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log"), "0\n")
    }

    func testDamagedBackupsAndRefusedRestores() throws {
        var r = try run(["reset-2fa", "jdoe", "asmith", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let file = backups()[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let truncated = file + ".truncated"
        try bytes.prefix(bytes.count - 30).write(to: URL(fileURLWithPath: truncated))
        let altered = file + ".altered"
        var changed = bytes
        changed[changed.count / 2] ^= 0x01
        try changed.write(to: URL(fileURLWithPath: altered))
        let after = try table()

        r = try run(["restore-2fa", "--from", truncated])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: the backup file is truncated (it does not end with its checksum line)\n")
        r = try run(["restore-2fa", "--from", altered])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: the backup file's checksum does not match its contents: it was altered or damaged\n")
        r = try run(["restore-2fa", "--from", file + ".missing"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: cannot read the backup file \(file).missing — check the path and that this account may read it\n")
        XCTAssertEqual(try table(), after, "nothing written")

        // A backup of another database is refused.
        let other = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        r = try TCAdminBinary.run(other.cliArguments + ["restore-2fa", "--from", file], environment: other.cliEnvironment)
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: the backup is of database '\(db.name)' with prefix 'tcneo_', not '\(other.name)' with 'tcneo_' — restore it where it was taken\n")

        // asmith enrolls again: kept and reported (exit 1) unless --force.
        try db.sql("INSERT INTO tcneo_user_option (username, `option`, value) VALUES ('asmith', 'secret', 'v2:again')")
        r = try run(["restore-2fa", "--from", file])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "restored jdoe\n")
        XCTAssertEqual(r.stderr, "warning: asmith has enrolled again since the reset: kept the new secret (--force replaces it)\n")
        XCTAssertEqual(try db.sql("SELECT value FROM tcneo_user_option WHERE username = 'asmith' AND `option` = 'secret'"), "v2:again\n")

        r = try run(["restore-2fa", "--from", file, "--force"])
        XCTAssertEqual(r.status, 64, "replacing asks first")
        r = try run(["restore-2fa", "--from", file, "--force", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let saved = try XCTUnwrap(backups().first { $0.contains("/restore-") })
        XCTAssertEqual(r.stdout, "backup of the replaced secrets: \(saved)\nrestored asmith\n")
        XCTAssertEqual(r.stderr, "jdoe: the backed-up secret is in place already\n")
        XCTAssertEqual(try db.sql("SELECT LEFT(value, 4) FROM tcneo_user_option WHERE username = 'asmith' AND `option` = 'secret'"), "4XFh\n")
        // The replaced value can itself be put back.
        try db.sql("DELETE FROM tcneo_user_option WHERE username = 'asmith' AND `option` = 'secret'")
        r = try run(["restore-2fa", "--from", saved])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try db.sql("SELECT value FROM tcneo_user_option WHERE username = 'asmith' AND `option` = 'secret'"), "v2:again\n")
    }

    func testGroupFileAndAllSelections() throws {
        var r = try run(["reset-2fa", "--group", "Support", "--dry-run", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("would reset MixedCase\nwould back up 1 secret to "), r.stdout)
        r = try run(["reset-2fa", "--from-file", "-", "--yes"], stdin: "# leavers\njdoe\n\n  asmith  \n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("reset jdoe\nreset asmith\n"), r.stdout)
        // A file from Windows (CR LF, old Mac CR) names the same users; a device is refused.
        let names = NSTemporaryDirectory() + "tcadmin-names-\(UUID().uuidString)"
        try "bwayne\r\nMixedCase\r".write(toFile: names, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: names) }
        r = try run(["reset-2fa", "--from-file", names, "--dry-run", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("would reset bwayne\nwould reset MixedCase\n"), r.stdout)
        r = try run(["reset-2fa", "--from-file", "/dev/zero", "--yes"])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.hasPrefix("Error: the names file /dev/zero is larger than 16 MiB"), r.stderr)
        r = try run(["reset-2fa", "--all", "--dry-run", "--quiet"])
        XCTAssertEqual(r.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("would reset ") }.count, 6, "the 8 enrolled less the 2 just reset")
        r = try run(["reset-2fa"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.hasPrefix("Error: say whose 2FA to reset: USER..., --group G, --all or --from-file F\n"), r.stderr)
        r = try run(["reset-2fa", "jdoe", "--all"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.hasPrefix("Error: give only one of USER..., --group, --all and --from-file\n"), r.stderr)
        r = try run(["restore-2fa"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.hasPrefix("Error: name the backup file: --from FILE\n"), r.stderr)
    }
}
