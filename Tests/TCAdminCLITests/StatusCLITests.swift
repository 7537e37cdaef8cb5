import XCTest
import Foundation
import TestSupport

/// `tcadmin status` and the foundation's exit codes, through the built binary.
final class StatusCLITests: XCTestCase {
    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testStatusJSONWithAFiveXAppDir() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        let app = try TestAppDir(for: db)
        let r = try TCAdminBinary.run(["--app-dir", app.path, "status", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let j = try json(r.stdout)
        let users = j["users"] as! [String: Any]
        XCTAssertEqual(users["total"] as? Int, 16)
        XCTAssertEqual(users["active"] as? Int, 14)
        XCTAssertEqual(users["active_enrolled"] as? Int, 8)
        let schema = j["schema"] as! [String: Any]
        XCTAssertEqual(schema["version_guess"] as? String, "5.3 or later")
        XCTAssertEqual(schema["log_ip"] as? Bool, true)
        let settings = j["settings"] as! [String: [String: Any]]
        XCTAssertEqual(settings["forceTfa"]?["on"] as? Bool, false)
        XCTAssertEqual(settings["forceTfa"]?["row_exists"] as? Bool, true)
        let appInfo = j["app"] as! [String: Any]
        XCTAssertEqual(appInfo["cache_dir_exists"] as? Bool, true)
        XCTAssertFalse(r.stdout.contains(db.server.password), "the password never appears")
    }

    func testStatusAgainstAFourXInstall() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-4.x.sql"), TestPaths.sql("demo-data.sql")])
        let php = """
            <?php
            $CONF['db_server'] = 'localhost';
            $CONF['db_socket'] = '\(db.server.socket)';
            $CONF['db_name'] = '\(db.name)';
            $CONF['db_user'] = "\(db.server.user)";
            $CONF['db_pass'] = '\(db.server.password)';
            $CONF['db_table_prefix'] = 'tcneo_';
            """
        let app = try TestAppDir(env: nil, dbPHP: php)
        let r = try TCAdminBinary.run(["--app-dir", app.path, "status", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try json(r.stdout)
        let schema = j["schema"] as! [String: Any]
        XCTAssertEqual(schema["version_guess"] as? String, "4.x or earlier")
        XCTAssertEqual(schema["log_ip"] as? Bool, false)
        XCTAssertEqual(schema["users_oidc_sub"] as? Bool, false)
        let settings = j["settings"] as! [String: [String: Any]]
        XCTAssertEqual(settings["forceTfa"]?["row_exists"] as? Bool, false)
        XCTAssertEqual(settings["disableTfa"]?["on"] as? Bool, false)
        // Text output works too and names the missing switches.
        let text = try TCAdminBinary.run(["--app-dir", app.path, "status"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("forceTfa off (no row)"), text.stdout)
    }

    func testStatusAgainstTheRealDump() throws {
        guard let dump = TestPaths.teamcalDump("sample.sql") else { throw XCTSkip("../shared/teamcal-neo is absent: real-dump test skipped") }
        let db = try TestServer.shared().createDatabase([dump])
        let app = try TestAppDir(for: db)
        let r = try TCAdminBinary.run(["--app-dir", app.path, "status", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let users = try json(r.stdout)["users"] as! [String: Any]
        XCTAssertGreaterThan(users["total"] as! Int, 1)
    }

    func testExitCodes() throws {
        let server = try TestServer.shared()
        let db = try server.createDatabase([TestPaths.sql("schema-5.3.sql")])
        let env = db.cliEnvironment

        // 69: nothing listens there.
        var r = try TCAdminBinary.run(["--host", "127.0.0.1", "--port", "1", "--user", "x", "--database", "x", "status"], environment: env)
        XCTAssertEqual(r.status, 69)
        XCTAssertTrue(r.stderr.hasPrefix("Error: cannot reach the database at 127.0.0.1:1"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertEqual(r.stdout, "")

        // 77: wrong password.
        r = try TCAdminBinary.run(db.cliArguments + ["status"], environment: ["TCADMIN_DB_PASSWORD": "wrong"])
        XCTAssertEqual(r.status, 77)
        XCTAssertTrue(r.stderr.contains("access denied for database user 'tcadmin'"), r.stderr)
        XCTAssertFalse(r.stderr.contains("wrong"))

        // 78: not a TeamCal Neo database, missing app folder, bad .env, no database named.
        r = try TCAdminBinary.run(db.cliArguments + ["--prefix", "nope_", "status"], environment: env)
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("is not a TeamCal Neo database"), r.stderr)
        r = try TCAdminBinary.run(["--app-dir", "/nonexistent/teamcal", "status"])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("/nonexistent/teamcal does not exist"), r.stderr)
        let bad = try TestAppDir(env: "DB_NAME=x\nDB_PASS=\"unterminated\n")
        r = try TCAdminBinary.run(["--app-dir", bad.path, "status"])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains(".env line 2"), r.stderr)
        r = try TCAdminBinary.run(["--socket", server.socket, "status"], environment: env)
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("no database named"), r.stderr)

        // 64: usage.
        r = try TCAdminBinary.run(["status", "--password", "hunter2"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--password-file"))
        XCTAssertFalse(r.stderr.contains("hunter2"))
        r = try TCAdminBinary.run(["stauts"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("did you mean 'status'?"), r.stderr)
        r = try TCAdminBinary.run(["status", "--format", "csv"])
        XCTAssertEqual(r.status, 64)
        r = try TCAdminBinary.run(["status", "extra"])
        XCTAssertEqual(r.status, 64)
        r = try TCAdminBinary.run([])
        XCTAssertEqual(r.status, 64)
    }

    func testPrecedenceCommandLineOverEnvironmentOverConfigOverAppDir() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql")])
        // The app dir names a database that does not exist; the config file fixes it; the
        // environment breaks it again; the command line fixes it last.
        let app = try TestAppDir(env: "DB_HOST=localhost\nDB_SOCKET=\(db.server.socket)\nDB_NAME=tct_missing\nDB_USER=\(db.server.user)\nDB_PASS=\(db.server.password)\n")
        let config = NSTemporaryDirectory() + "tcadmin-conf-\(UUID().uuidString)"
        try "# test\n[tcadmin]\ndatabase = \(db.name)\n".write(toFile: config, atomically: true, encoding: .utf8)
        var r = try TCAdminBinary.run(["--app-dir", app.path, "status"], environment: ["TCADMIN_CONFIG": config])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try TCAdminBinary.run(["--app-dir", app.path, "status"], environment: ["TCADMIN_CONFIG": config, "TCADMIN_DATABASE": "tct_missing2"])
        XCTAssertNotEqual(r.status, 0)
        r = try TCAdminBinary.run(["--app-dir", app.path, "--database", db.name, "status"], environment: ["TCADMIN_CONFIG": config, "TCADMIN_DATABASE": "tct_missing2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // A typo in the config file is a configuration error naming the line.
        try "databse = x\n".write(toFile: config, atomically: true, encoding: .utf8)
        r = try TCAdminBinary.run(["--app-dir", app.path, "status"], environment: ["TCADMIN_CONFIG": config])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("line 1: unknown setting 'databse' — did you mean 'database'?"), r.stderr)
    }

    func testDefaultsFileAndPasswordFile() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql")])
        let defaults = NSTemporaryDirectory() + "tcadmin-my-\(UUID().uuidString).cnf"
        try "[mysqld]\nport=1\n[client]\nsocket=\(db.server.socket)\nuser=\(db.server.user)\npassword=\"\(db.server.password)\"\ndatabase=\(db.name)\n".write(toFile: defaults, atomically: true, encoding: .utf8)
        var r = try TCAdminBinary.run(["--defaults-file", defaults, "status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try TCAdminBinary.run(db.cliArguments + ["--password-file", db.server.passwordFile, "status"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testHelpAndVersion() throws {
        var r = try TCAdminBinary.run(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("SUBCOMMANDS:"))
        XCTAssertTrue(r.stdout.contains("status"))
        r = try TCAdminBinary.run(["help", "status"])
        let viaFlag = try TCAdminBinary.run(["status", "--help"])
        XCTAssertEqual(r.stdout, viaFlag.stdout)
        XCTAssertTrue(r.stdout.contains("USAGE: tcadmin status"))
        r = try TCAdminBinary.run(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("tcadmin "))
    }
}
