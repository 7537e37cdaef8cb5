import XCTest
import Foundation
import TestSupport

/// Settings files written oddly or pointed at the wrong thing, through the built binary:
/// Windows line endings, pipes, devices, PHP code, duplicate keys. Read as the app and the
/// mariadb client read them, never executed, never a hang, and never echoing a value.
final class HostileSettingsFilesCLITests: XCTestCase {
    var db: TestDatabase!

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
    }

    func temporaryFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "tcadmin-hostile-" + UUID().uuidString
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testWindowsLineEndingsEverywhere() throws {
        let server = db.server
        // .env
        let env = "DB_HOST=localhost\r\nDB_SOCKET=\"\(server.socket)\"\r\nDB_NAME=\(db.name)\r\nDB_USER=\(server.user)\r\nDB_PASS='\(server.password)'\r\n"
        let app = try TestAppDir(env: env)
        var r = try TCAdminBinary.run(["--app-dir", app.path, "status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // config.db.php with a comment before each line
        var php = "<?php\r\n"
        for (key, value) in [("db_server", "localhost"), ("db_socket", server.socket), ("db_name", db.name),
                             ("db_user", server.user), ("db_pass", server.password)] {
            php += "// \(key)\r\n$CONF['\(key)'] = '\(value)';\r\n"
        }
        let older = try TestAppDir(env: nil, dbPHP: php)
        r = try TCAdminBinary.run(["--app-dir", older.path, "status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // password file, key file, tcadmin's config file, MariaDB option file
        let password = try temporaryFile(server.password + "\r\n")
        r = try TCAdminBinary.run(db.cliArguments + ["--password-file", password, "status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let key = try temporaryFile("5e091d9b9cbf36.90197318\r\n")
        chmod(key, 0o600)
        r = try TCAdminBinary.run(db.cliArguments + ["--key-file", key, "test-code", "jdoe", "836385", "--time", "1764763200"],
                                  environment: db.cliEnvironment)
        XCTAssertEqual(r.status, 0, r.stderr)
        let config = try temporaryFile("# tcadmin\r\n[tcadmin]\r\nsocket = \(server.socket)\r\nuser = \(server.user)\r\ndatabase = \(db.name)\r\n")
        r = try TCAdminBinary.run(["status"], environment: ["TCADMIN_CONFIG": config, "TCADMIN_DB_PASSWORD": server.password])
        XCTAssertEqual(r.status, 0, r.stderr)
        let defaults = try temporaryFile("[client]\r\nsocket=\(server.socket)\r\nuser=\(server.user)\r\npassword=\"\(server.password)\"\r\ndatabase=\(db.name)\r\n")
        r = try TCAdminBinary.run(["--defaults-file", defaults, "status"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testPasswordFromAPipe() throws {
        let command = ([TCAdminBinary.path] + db.cliArguments + ["--password-file", "<(cat '\(db.server.passwordFile)')", "status"])
            .joined(separator: " ")
        let r = try Shell.run(["bash", "-c", command], environment: TCAdminBinary.environment())
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testDevicesAndHugeFilesFailFastAsConfigurationErrors() throws {
        let app = try TestAppDir(env: nil)
        try FileManager.default.createSymbolicLink(atPath: app.file(".env"), withDestinationPath: "/dev/zero")
        let cases: [([String], String)] = [
            (db.cliArguments + ["--password-file", "/dev/zero", "status"], "has no line ending in its first 64 KiB"),
            (db.cliArguments + ["--key-file", "/dev/zero", "verify-secrets"], "has no line ending in its first 64 KiB"),
            (["--defaults-file", "/dev/zero", "status"], "is larger than 16 MiB"),
            (["--app-dir", app.path, "status"], "is larger than 16 MiB"),
            (db.cliArguments + ["--password-file", "/tmp", "status"], "cannot read the password file /tmp"),
        ]
        for (args, message) in cases {
            let start = Date()
            let r = try TCAdminBinary.run(args, environment: db.cliEnvironment)
            XCTAssertEqual(r.status, 78, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertLessThan(Date().timeIntervalSince(start), 15, "\(args)")
        }
        // A one-line password at the start of a large file is still only one line.
        let big = try temporaryFile(db.server.password + "\n" + String(repeating: "x", count: 1 << 22))
        let r = try TCAdminBinary.run(db.cliArguments + ["--password-file", big, "status"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testPHPCodeInTheAppsFilesIsNeverRun() throws {
        let marker = NSTemporaryDirectory() + "pwned-" + UUID().uuidString
        let server = db.server
        let php = """
            <?php system('touch \(marker)'); $CONF['db_name']='\(db.name)';
            exec('touch \(marker)'); $CONF['db_server'] = 'localhost';
            $CONF['db_socket'] = '\(server.socket)';
            $CONF['db_user'] = `touch \(marker)`; $CONF['db_user'] = '\(server.user)';
            $CONF['db_pass'] = '\(server.password)';
            ?>
            <?php $CONF['db_name'] = 'tct_missing_decoy' ?>
            $CONF['db_name'] = 'tct_inline_html_decoy';
            <?php $CONF['db_name'] = '\(db.name)';
            """
        let app = try TestAppDir(env: nil, dbPHP: php, appKey: nil)
        try "<?php\nsystem('touch \(marker)');\ndefine('APP_LIC_KEY', \"5e091d9b9cbf36.90197318\");\n"
            .write(toFile: app.file("config/config.app.php"), atomically: true, encoding: .utf8)
        let r = try TCAdminBinary.run(["--app-dir", app.path, "verify-secrets", "--format", "json"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"v2\": 4"), r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "PHP code was run")
        let env = try TestAppDir(env: "DB_NAME=tct_decoy\nDB_HOST=localhost\nDB_SOCKET=$(touch \(marker))\nDB_SOCKET='\(server.socket)'\nDB_USER=`touch \(marker)`\nDB_USER=\(server.user)\nDB_PASS=\"\(server.password)\"\nDB_NAME=\(db.name)\n")
        XCTAssertEqual(try TCAdminBinary.run(["--app-dir", env.path, "status"]).status, 0, "duplicate keys: the last wins")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    func testSettingsFileErrorsNeverEchoAValue() throws {
        let secret = "S3cr3t-" + UUID().uuidString
        let cases: [(String, String)] = [
            ("password = \(secret)\n", "no passwords in the config file"),
            ("[tcadmin]\npasword = \(secret)\n", "unknown setting 'pasword'"),
            ("\(secret)\n", "expected 'key = value'"),
        ]
        for (text, message) in cases {
            let config = try temporaryFile(text)
            let r = try TCAdminBinary.run(["status"], environment: ["TCADMIN_CONFIG": config])
            XCTAssertEqual(r.status, 78, r.stderr)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
            XCTAssertFalse(r.stderr.contains(secret), r.stderr)
        }
        let app = try TestAppDir(env: "DB_NAME=x\nDB_PASS=\"\(secret)\nDB_USER=u\n")
        var r = try TCAdminBinary.run(["--app-dir", app.path, "status"])
        XCTAssertEqual(r.status, 78)
        XCTAssertFalse(r.stderr.contains(secret), r.stderr)
        let trailing = try TestAppDir(env: "DB_NAME=x\nDB_PASS='\(secret)' \(secret)\n")
        r = try TCAdminBinary.run(["--app-dir", trailing.path, "status"])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains(".env line 2"), r.stderr)
        XCTAssertFalse(r.stderr.contains(secret), r.stderr)
    }
}
