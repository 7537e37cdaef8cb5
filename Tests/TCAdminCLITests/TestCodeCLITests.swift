import XCTest
import Foundation
import TestSupport

/// `tcadmin test-code` through the built binary, on the demo data.
/// jdoe's stored secret is the first PHP vector (v2); at 1764763200 its code is 836385.
final class TestCodeCLITests: XCTestCase {
    var db: TestDatabase!
    var app: TestAppDir!
    let t0: Int64 = 1764763200
    let code = "836385"

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        app = try TestAppDir(for: db)
    }

    func run(_ args: [String], stdin: String? = nil) throws -> Shell.Result {
        try TCAdminBinary.run(["--app-dir", app.path, "test-code"] + args, stdin: stdin)
    }

    func testAcceptedByTheAppsWindow() throws {
        for (offset, expected) in [(0, "the code is the current one"), (30, "previous step"), (-30, "next step")] {
            let r = try run(["jdoe", code, "--time", String(t0 + Int64(offset))])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.hasPrefix("accepted: "), r.stdout)
            XCTAssertTrue(r.stdout.contains(expected), r.stdout)
        }
    }

    /// Ctrl-C while the code is typed with echo off: the terminal gets its echo back, and
    /// tcadmin dies of the signal as a shell expects. (Python's pty module is the terminal.)
    func testCtrlCAtTheCodePromptGivesTheTerminalItsEchoBack() throws {
        let driver = """
            import os, pty, select, sys, termios, time
            pid, master = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            seen, deadline = b"", time.time() + 20
            while b"Code for" not in seen and time.time() < deadline:
                if select.select([master], [], [], 0.1)[0]:
                    seen += os.read(master, 4096)
            while termios.tcgetattr(master)[3] & termios.ECHO and time.time() < deadline:
                time.sleep(0.01)
            during = termios.tcgetattr(master)[3] & termios.ECHO
            os.write(master, b"\\x03")
            _, status = os.waitpid(pid, 0)
            after = termios.tcgetattr(master)[3] & termios.ECHO
            print("prompt" if b"Code for" in seen else "no prompt", "echo-off" if not during else "echo-on",
                  "restored" if after else "silent", os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1)
            """
        let r = try Shell.run(["python3", "-c", driver, TCAdminBinary.path, "--app-dir", app.path, "test-code", "jdoe"],
                              environment: TCAdminBinary.environment())
        XCTAssertEqual(r.stdout, "prompt echo-off restored 2\n", r.stderr)
    }

    func testDriftIsDiagnosedInStepsAndSeconds() throws {
        // The server's clock 90 s behind the phone: the code belongs to 3 steps later.
        var r = try run(["jdoe", code, "--time", String(t0 - 90)])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "rejected: the code matches 3 steps (90 s) ahead of this server's clock — the phone or this server is off by about 90 s; run 'tcadmin ntp-check' and check the phone's time\n")
        r = try run(["jdoe", code, "--time", String(t0 + 90)])
        XCTAssertTrue(r.stdout.contains("3 steps (90 s) behind"), r.stdout)
        // ±20 steps: the edge of the default window.
        r = try run(["jdoe", code, "--time", String(t0 + 600), "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(j["accepted"] as? Bool, false)
        XCTAssertEqual(j["matched_offset_steps"] as? Int, -20)
        XCTAssertEqual(j["matched_offset_seconds"] as? Int, -600)
        XCTAssertEqual(j["format"] as? String, "v2")
        // Beyond the window: no match, and a narrower window finds nothing either.
        r = try run(["jdoe", code, "--time", String(t0 + 900)])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("matches no step within ±10 minutes"), r.stdout)
        r = try run(["jdoe", code, "--time", String(t0 + 900), "--window", "40"])
        XCTAssertTrue(r.stdout.contains("30 steps (900 s) behind"), r.stdout)
    }

    func testLegacySecretAndCodeFromStdin() throws {
        // asmith holds the second vector's legacy value; its code at t0 is 839145.
        let r = try run(["asmith", "--time", String(t0)], stdin: "839145\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("839145"), "the code is never echoed")
    }

    func testBadInputGetsItsOwnMessageAnd65() throws {
        let cases: [([String], String)] = [
            (["nobody", "123456"], "no user 'nobody'"),
            (["JDOE", "123456"], "did you mean 'jdoe'?"),
            (["ckent", "123456"], "'ckent' is not enrolled"),
            (["dprince", "123456"], "'dprince' is not enrolled"),
            (["ezero", "123456"], "'ezero' is not enrolled"),
            (["corrupt", "123456"], "cannot be used"),
            (["wrongkey", "123456"], "does not decrypt (wrong installation key"),
            (["jdoe", "12345"], "exactly six digits"),
            (["jdoe", "1234567"], "exactly six digits"),
            (["jdoe", "12a456"], "exactly six digits"),
            (["jdoe", "123 456"], "contains a space"),
            (["jdoe", "１２３４５６"], "non-ASCII digits"),
            (["o'brien\"; DROP TABLE tcneo_users; --", "123456"], "no user"),
        ]
        for (args, message) in cases {
            let r = try run(args)
            XCTAssertEqual(r.status, 65, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_users").trimmingCharacters(in: .whitespacesAndNewlines), "16")
    }

    func testUsageAndKeyErrors() throws {
        var r = try run([])
        XCTAssertEqual(r.status, 64)
        r = try run(["jdoe", "123456", "--window", "0"])
        XCTAssertEqual(r.status, 64)
        r = try run(["jdoe", "123456", "--time", "yesterday"])
        XCTAssertEqual(r.status, 64)
        let noKey = try TestAppDir(for: db, appKey: nil)
        r = try TCAdminBinary.run(["--app-dir", noKey.path, "test-code", "jdoe", code])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("config.app.php") || r.stderr.contains("--key-file"), r.stderr)
        // The key from the environment works without an app folder's key.
        r = try TCAdminBinary.run(["--app-dir", noKey.path, "test-code", "jdoe", code, "--time", String(t0)],
                                  environment: ["TCADMIN_APP_KEY": "5e091d9b9cbf36.90197318"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // A wrong key makes every secret undecryptable.
        r = try TCAdminBinary.run(["--app-dir", noKey.path, "test-code", "jdoe", code], environment: ["TCADMIN_APP_KEY": "K3y-sh0uld-n0t-leak"])
        XCTAssertEqual(r.status, 65)
        XCTAssertFalse(r.stderr.contains("K3y-sh0uld-n0t-leak"), r.stderr)
    }
}

final class VerifySecretsCLITests: XCTestCase {
    func testCountsAndNamesOnDemoData() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        let app = try TestAppDir(for: db)
        var r = try TCAdminBinary.run(["--app-dir", app.path, "verify-secrets"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, """
            undecryptable: corrupt — v2 value wrong length for its format (damaged value)
            undecryptable: wrongkey — v2 value does not decrypt (wrong installation key, or damaged)
            10 stored: 4 v2, 2 legacy, 2 not enrolled ('' or '0'), 2 undecryptable

            """)
        r = try TCAdminBinary.run(["--app-dir", app.path, "verify-secrets", "--include-archive", "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let counts = j["counts"] as! [String: Int]
        XCTAssertEqual(counts["legacy"], 3, "the archived user's legacy secret is counted")
        XCTAssertEqual((j["undecryptable"] as! [[String: String]]).map { $0["username"]! }, ["corrupt", "wrongkey"])
        XCTAssertEqual(j["ok"] as? Bool, false)
        // Values never appear in the output.
        let stored = try db.sql("SELECT value FROM tcneo_user_option WHERE `option` = 'secret' AND LENGTH(value) > 8")
        for value in stored.split(separator: "\n") { XCTAssertFalse(r.stdout.contains(value)) }
        // Clean data: exit 0.
        try db.sql("DELETE FROM tcneo_user_option WHERE username IN ('corrupt', 'wrongkey')")
        r = try TCAdminBinary.run(["--app-dir", app.path, "verify-secrets", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("\"undecryptable\": [],"), r.stdout)
    }

    func testWrongKeyIsFlagged() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        let app = try TestAppDir(for: db, appKey: "not-the-key")
        let r = try TCAdminBinary.run(["--app-dir", app.path, "verify-secrets"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no secret decrypts with this key"), r.stderr)
    }

    func testRealDump() throws {
        guard let dump = TestPaths.teamcalDump("sample.sql") else { throw XCTSkip("../shared/teamcal-neo is absent: real-dump test skipped") }
        let db = try TestServer.shared().createDatabase([dump])
        let app = try TestAppDir(for: db)
        let r = try TCAdminBinary.run(["--app-dir", app.path, "verify-secrets", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }
}
