import XCTest
import Foundation
import TestSupport

/// No plain secret, stored value, database password or installation key in any output of
/// any command, at any verbosity, in any format, on success or failure; passwords are never
/// taken on the command line, and a plugin gets the password in its environment only.
final class SecretHygieneCLITests: XCTestCase {
    var db: TestDatabase!
    var app: TestAppDir!
    let key = "5e091d9b9cbf36.90197318"
    let t0 = "1764763200"

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        app = try TestAppDir(for: db)
    }

    /// The plain base32 secrets behind the demo data (the PHP-made vectors), read from the
    /// shared vectors when present and from the copy kept with the crypto tests.
    func plainSecrets() throws -> [String] {
        var files = [TestPaths.repoRoot.appendingPathComponent("Tests/TCCryptoTests/Resources/php-vectors-sample.json").path]
        if let shared = TestPaths.shared {
            for name in ["teamcal-default-key.json", "teamcal-short-key.json"] {
                files.append(shared.appendingPathComponent("vectors/\(name)").path)
            }
        }
        var secrets: Set<String> = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let secret = object["secret"] as? String, secret.count >= 16 { secrets.insert(secret) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        for file in files where FileManager.default.fileExists(atPath: file) {
            collect(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))))
        }
        XCTAssertTrue(secrets.contains("2M2DTYOK5DFQMNYZPHTZCZ5MZIQGV6X6"), "jdoe's secret is among them")
        return secrets.sorted()
    }

    /// Everything that must never be printed: plain secrets (also lower-case and in 4-groups,
    /// as authenticator apps show them), stored values, the password, the key.
    func forbidden() throws -> [String] {
        var strings: [String] = []
        for secret in try plainSecrets() {
            strings += [secret, secret.lowercased(), stride(from: 0, to: secret.count, by: 4).map {
                String(Array(secret)[$0..<min($0 + 4, secret.count)])
            }.joined(separator: " ")]
        }
        let stored = try db.sql("SELECT value FROM tcneo_user_option WHERE `option` = 'secret' AND LENGTH(value) > 8 UNION SELECT value FROM tcneo_archive_user_option WHERE `option` = 'secret'")
        strings += stored.split(separator: "\n").map(String.init)
        strings += [db.server.password, key, String(key.prefix(12))]
        return strings
    }

    func assertClean(_ r: Shell.Result, _ what: String, _ forbidden: [String], file: StaticString = #filePath, line: UInt = #line) {
        for needle in forbidden {
            XCTAssertFalse(r.stdout.contains(needle), "\(what): stdout shows \(needle.prefix(4))…", file: file, line: line)
            XCTAssertFalse(r.stderr.contains(needle), "\(what): stderr shows \(needle.prefix(4))…", file: file, line: line)
        }
    }

    func testNoSecretInAnyOutputOfAnyCommand() throws {
        let forbidden = try forbidden()
        let sntp = try FakeSNTPServer { $0.offset = 0.2 }
        defer { sntp.stop() }
        let keyFile = NSTemporaryDirectory() + "tcadmin-key-" + UUID().uuidString
        try (key + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o644)  // also draws the "readable by others" warning
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let commands: [[String]] = [
            ["status"], ["status", "--format", "json"],
            ["test-code", "jdoe", "836385", "--time", t0], ["test-code", "jdoe", "836385", "--time", t0, "--format", "json"],
            ["test-code", "jdoe", "000000", "--time", t0, "--format", "json"], ["test-code", "asmith", "--time", t0],
            ["test-code", "corrupt", "123456"], ["test-code", "wrongkey", "123456"], ["test-code", "JDOE", "123456"],
            ["test-code", "ckent", "123456"], ["test-code", "jdoe", "12345"],
            ["verify-secrets"], ["verify-secrets", "--include-archive", "--format", "json"],
            ["ntp-check", "--db", "--server", "127.0.0.1:\(sntp.port)", "--timeout", "2"],
            ["ntp-check", "--db", "--server", "127.0.0.1:\(sntp.port)", "--timeout", "2", "--format", "json"],
            ["ntp-check", "--db", "--server", "127.0.0.1:\(sntp.port)", "--timeout", "2", "--format", "nagios"],
            ["--help"], ["help", "test-code"], ["--version"], ["no-such-command"],
        ]
        // The same password and key reached three ways: the app folder, files, the environment.
        let ways: [(String, [String], [String: String])] = [
            ("app dir", ["--app-dir", app.path], [:]),
            ("files", db.cliArguments + ["--password-file", db.server.passwordFile, "--key-file", keyFile], [:]),
            ("environment", db.cliArguments, ["TCADMIN_DB_PASSWORD": db.server.password, "TCADMIN_APP_KEY": key]),
        ]
        for (way, settings, environment) in ways {
            for command in commands {
                for verbosity in [["--verbose"], []] {
                    let stdin = command.count == 4 && command[0] == "test-code" && command[1] == "asmith" ? "839145\n" : nil
                    let r = try TCAdminBinary.run(settings + verbosity + command, environment: environment, stdin: stdin)
                    assertClean(r, "\(way) \(verbosity) \(command)", forbidden)
                    XCTAssertNotEqual(r.status, 70, "\(way) \(command): \(r.stderr)")
                }
            }
        }
        // Failures that involve the password or the key.
        let failures: [([String], [String: String])] = [
            (["--socket", db.server.socket, "--user", "nobody", "--database", db.name, "--verbose", "status"], ["TCADMIN_DB_PASSWORD": db.server.password]),
            (["--host", "127.0.0.1", "--port", "1", "--user", "tcadmin", "--database", "x", "--verbose", "status"], ["TCADMIN_DB_PASSWORD": db.server.password]),
            (["--app-dir", app.path, "--ssl-mode", "verify-identity", "--ssl-ca", "/nonexistent", "status"], [:]),
            (["--app-dir", app.path, "--prefix", "nope_", "-v", "status"], [:]),
            (db.cliArguments + ["--verbose", "test-code", "jdoe", "836385"], ["TCADMIN_DB_PASSWORD": db.server.password, "TCADMIN_APP_KEY": key + "x"]),
        ]
        for (args, environment) in failures {
            let r = try TCAdminBinary.run(args, environment: environment)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            assertClean(r, "\(args)", forbidden)
        }
    }

    func testPasswordsAreNeverTakenOnTheCommandLine() throws {
        let secret = "Hunter2-" + UUID().uuidString
        let link = NSTemporaryDirectory() + "tcadmin-bin-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: link, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: link) }
        try FileManager.default.createSymbolicLink(atPath: link + "/tcadmin-status", withDestinationPath: TCAdminBinary.path)
        let attempts: [([String], String?)] = [
            (["--password", secret, "status"], nil), (["--password=\(secret)", "status"], nil),
            (["status", "--password", secret], nil), (["-p", secret, "status"], nil), (["-p\(secret)", "status"], nil),
            (["status", "-p\(secret)"], nil), (["--passwd=\(secret)", "status"], nil), (["--pass", secret, "status"], nil),
            (["--db-password=\(secret)", "status"], nil), (["--db-pass", secret, "status"], nil),
            (["--app-dir", app.path, "verify-secrets", "--password=\(secret)"], nil),
            (["--password", secret], link + "/tcadmin-status"),
        ]
        for (args, executable) in attempts {
            let r = try TCAdminBinary.run(args, executable: executable)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("Error: passwords are never taken on the command line — use --password-file FILE or the environment variable TCADMIN_DB_PASSWORD"), r.stderr)
            XCTAssertFalse(r.stderr.contains(secret), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        // Nor in tcadmin's own config file.
        let config = NSTemporaryDirectory() + "tcadmin-conf-" + UUID().uuidString
        try "password = \(secret)\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let r = try TCAdminBinary.run(["status"], environment: ["TCADMIN_CONFIG": config])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("use password-file = FILE"), r.stderr)
        XCTAssertFalse(r.stderr.contains(secret), r.stderr)
    }

    func testPluginGetsThePasswordInItsEnvironmentOnly() throws {
        let bin = NSTemporaryDirectory() + "tcadmin-plugin-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: bin) }
        let script = """
            #!/bin/sh
            for a in "$@"; do printf '%s\\n' "$a"; done > "$TCADMIN_TEST_OUT/argv"
            tr '\\0' '\\n' < /proc/$$/cmdline > "$TCADMIN_TEST_OUT/cmdline"
            env > "$TCADMIN_TEST_OUT/env"
            exit 7
            """
        try script.write(toFile: bin + "/tcadmin-hello", atomically: true, encoding: .utf8)
        chmod(bin + "/tcadmin-hello", 0o755)
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try TCAdminBinary.run(["--app-dir", app.path, "--verbose", "hello", "world", "--flag", "-p"],
                                      environment: ["PATH": path, "TCADMIN_TEST_OUT": bin])
        XCTAssertEqual(r.status, 7, "the plugin's exit code: \(r.stderr)")
        let argv = try String(contentsOfFile: bin + "/argv", encoding: .utf8)
        let cmdline = try String(contentsOfFile: bin + "/cmdline", encoding: .utf8)
        let env = try String(contentsOfFile: bin + "/env", encoding: .utf8)
        XCTAssertEqual(argv, "world\n--flag\n-p\n", "the plugin's own arguments, untouched")
        for text in [argv, cmdline, r.stdout, r.stderr] {
            XCTAssertFalse(text.contains(db.server.password), "password in argv or output")
            XCTAssertFalse(text.contains(key), "key in argv or output")
        }
        let variables = Dictionary(env.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }, uniquingKeysWith: { $1 })
        XCTAssertEqual(variables["TCADMIN_DB_PASSWORD"], db.server.password)
        XCTAssertEqual(variables["TCADMIN_DATABASE"], db.name)
        XCTAssertEqual(variables["TCADMIN_APP_DIR"], app.path)
        XCTAssertNil(variables["TCADMIN_APP_KEY"], "the key is read from the app dir by whoever needs it")
        XCTAssertEqual(env.components(separatedBy: db.server.password).count - 1, 1, "the password appears once: TCADMIN_DB_PASSWORD")
    }
}
