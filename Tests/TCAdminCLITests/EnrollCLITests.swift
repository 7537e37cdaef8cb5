import XCTest
import Foundation
import TCCrypto
import TestSupport

/// `tcadmin enroll`, through the built binary: the QR code read back by zbarimg (from the
/// PNG and from a real pseudo-terminal), the code typed back in from that secret, the value
/// stored decrypted by openssl as the app decrypts it, and what is never printed.
final class EnrollCLITests: XCTestCase {
    static let appKey = "5e091d9b9cbf36.90197318"

    var db: TestDatabase!
    var app: TestAppDir!
    var listener: SyslogListener!
    var dir = ""
    var env: [String: String] = [:]

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        app = try TestAppDir(for: db)
        listener = try SyslogListener()
        dir = NSTemporaryDirectory() + "tcadmin-enroll-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        env = ["USER": "tester", "TCADMIN_SYSLOG_SOCKET": listener.path, "TCADMIN_STATE_DIR": dir + "/state"]
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func run(_ args: [String], stdin: String? = nil) throws -> Shell.Result {
        try TCAdminBinary.run(["--app-dir", app.path] + args, environment: env, stdin: stdin)
    }

    func table() throws -> String {
        try db.sql("SELECT id, username, `option`, HEX(value) FROM tcneo_user_option ORDER BY id")
    }

    func storedSecret(_ user: String) throws -> String {
        try db.sql("SELECT value FROM tcneo_user_option WHERE username = '\(user)' AND `option` = 'secret'")
            .trimmingCharacters(in: .newlines)
    }

    /// The stored value decrypted with the openssl command line, by the app's v2 rule:
    /// "v2:" + base64(iv ‖ AES-256-CBC(key = SHA-256(APP_LIC_KEY), PKCS#7, secret)).
    func decryptWithOpenSSL(_ stored: String) throws -> String {
        XCTAssertTrue(stored.hasPrefix("v2:"), stored)
        let data = try XCTUnwrap(Data(base64Encoded: String(stored.dropFirst(3))))
        XCTAssertEqual(data.count, 16 + 48, "16 bytes of IV, 32 characters padded to 3 blocks")
        let hex = { (bytes: Data) in bytes.map { String(format: "%02x", $0) }.joined() }
        let key = try Shell.run(["sh", "-c", "printf %s '\(Self.appKey)' | openssl dgst -sha256 -r"]).stdout.prefix(64)
        let r = try Shell.run(["openssl", "enc", "-d", "-aes-256-cbc", "-K", String(key), "-iv", hex(data.prefix(16))],
                              stdin: data.dropFirst(16))
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    /// The secret in an otpauth URI, after checking the URI's exact shape.
    func secret(in uri: String, user: String = "ckent") throws -> String {
        let prefix = "otpauth://totp/\(user)?secret="
        let suffix = "&issuer=TeamCal%20Neo&period=30&algorithm=SHA1&digits=6"
        XCTAssertTrue(uri.hasPrefix(prefix) && uri.hasSuffix(suffix), uri)
        let secret = String(uri.dropFirst(prefix.count).dropLast(suffix.count))
        XCTAssertEqual(secret.count, 32, "160 bits")
        XCTAssertTrue(secret.allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) }, secret)
        return secret
    }

    func code(_ secret: String, offsetSteps: Int64 = 0) throws -> String {
        let plain = try XCTUnwrap(PlainSecret(base32: secret))
        return try TOTP(secret: plain).code(at: Int64(Date().timeIntervalSince1970) + offsetSteps * 30)
    }

    /// Waits until zbarimg reads a QR code from `path` (the file is written while we look).
    func waitForQRCode(_ path: String, _ running: RunningProcess) throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path), let uri = try ZBar.decode(path).first { return uri }
            if !running.process.isRunning {
                let r = running.finish()
                throw TestFailure("tcadmin ended (\(r.status)) before the PNG was readable: \(r.stderr)")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("no readable QR code in \(path) after 30 s")
    }

    // MARK: Tests

    func testThePNGsCodeTypedBackEnrollsTheUser() throws {
        let png = dir + "/ckent.png"
        let running = try RunningProcess(["--app-dir", app.path, "enroll", "ckent", "--png", png], environment: env)
        let uri = try waitForQRCode(png, running)
        let secret = try secret(in: uri)
        XCTAssertEqual(try storedSecret("ckent"), "", "nothing stored before the code is typed")
        running.send(try code(secret) + "\n")
        let r = running.finish()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "enrolled ckent: the code matched, the secret is stored\n")
        XCTAssertEqual(r.stderr, """
            QR code for ckent written to \(png) (mode 0600): scan it with the authenticator app
            \(png) holds the secret: hand it over in person, then delete it (shred -u \(png))

            """)
        let attributes = try FileManager.default.attributesOfItem(atPath: png)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        // Stored in the v2 format under the installation key, as the app reads it.
        XCTAssertEqual(try decryptWithOpenSSL(try storedSecret("ckent")), secret)
        XCTAssertEqual(try db.sql("SELECT username FROM tcneo_user_option WHERE `option` = 'secret' AND username = 'ckent'"), "ckent\n")
        let check = try run(["test-code", "ckent", try code(secret)])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdout, "accepted: the code is the current one\n")

        // The audit trail, without the secret.
        XCTAssertEqual(try db.sql("SELECT type, user, event FROM tcneo_log"), "logUser\ttcadmin:tester\tUser 2FA enrolled offline: ckent (tcadmin)\n")
        let line = try XCTUnwrap(listener.receive())
        XCTAssertTrue(line.hasSuffix("]: User 2FA enrolled offline: ckent (tcadmin) [database \(db.name), by tcadmin:tester]"), line)
        XCTAssertFalse((r.stdout + r.stderr + line).contains(secret))
    }

    func testWrongCodesStoreNothing() throws {
        let before = try table()
        let png = dir + "/ckent.png"
        let running = try RunningProcess(["--app-dir", app.path, "enroll", "ckent", "--png", png], environment: env)
        let secret = try secret(in: try waitForQRCode(png, running))
        // A code of no step in the app's window, a malformed one, and one 5 minutes ahead.
        let window = try (-1...1).map { try code(secret, offsetSteps: Int64($0)) }
        let wrong = (0..<1_000_000).lazy.map { String(format: "%06d", $0) }.first { !window.contains($0) }!
        running.send("\(wrong)\n12 34 56\n\(try code(secret, offsetSteps: 10))\n")
        let r = running.finish()
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6, r.stderr)
        XCTAssertEqual(lines[0], "QR code for ckent written to \(png) (mode 0600): scan it with the authenticator app")
        XCTAssertTrue(lines[1].hasPrefix("warning: the code did not match: ") && lines[1].hasSuffix(" (2 more tries)"), lines[1])
        XCTAssertEqual(lines[2], "warning: the code contains a space — the app accepts exactly six digits with no spaces (1 more try)")
        // 10 steps, or 9 when the 30-second step turned meanwhile.
        XCTAssertTrue(lines[3].hasPrefix("warning: the code did not match: the code matches ") && lines[3].hasSuffix(" s) ahead of this server's clock — the phone or this server is off by about \(lines[3].contains("(270 s)") ? 270 : 300) s; run 'tcadmin ntp-check' and check the phone's time"), lines[3])
        XCTAssertEqual(lines[4], "removed \(png): its secret was not stored")
        XCTAssertEqual(lines[5], "Error: not enrolled: the code did not match — nothing stored (check the phone's time; 'tcadmin ntp-check' checks this server's clock)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: png), "a PNG of a secret never stored is removed")
        XCTAssertEqual(try table(), before)
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log"), "0\n")

        // No code at all (stdin closed).
        let none = try run(["enroll", "ckent", "--png", png], stdin: "")
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.hasSuffix("Error: not enrolled: no code was entered — nothing stored (--no-verify stores the secret without a code)\n"), none.stderr)
        XCTAssertEqual(try table(), before)
    }

    func testTheSecretIsShownOnlyOnATerminal() throws {
        let before = try table()
        var r = try run(["enroll", "ckent"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, """
            Error: the secret is shown only on a terminal — run on a terminal or use --png FILE
            Usage: tcadmin enroll USER [--png FILE] [--force [--backup FILE]] [--no-verify] [--dry-run] [--yes]  (see 'tcadmin help enroll')

            """)
        XCTAssertEqual(try table(), before)

        // A pipe with --png: the file's name only, on stderr; no secret anywhere but the file.
        let png = dir + "/ckent.png"
        r = try run(["enroll", "ckent", "--png", png, "--no-verify", "--verbose"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "enrolled ckent: the secret is stored\n")
        XCTAssertTrue(r.stderr.hasSuffix("""
            QR code for ckent written to \(png) (mode 0600): scan it with the authenticator app
            \(png) holds the secret: hand it over in person, then delete it (shred -u \(png))

            """), r.stderr)
        let secret = try secret(in: try XCTUnwrap(ZBar.decode(png).first))
        XCTAssertEqual(try decryptWithOpenSSL(try storedSecret("ckent")), secret)
        XCTAssertFalse(r.stdout.contains(secret) || r.stderr.contains(secret) || r.stderr.contains("otpauth"))
        XCTAssertFalse(try db.sql("SELECT * FROM tcneo_log").contains(secret))
        XCTAssertFalse(listener.receive()?.contains(secret) ?? true)
    }

    func testOnATerminalTheQRCodeScansFromTheScreen() throws {
        // util-linux script(1) gives tcadmin a pseudo-terminal for stdin, stdout and stderr.
        let args = [TCAdminBinary.path, "--app-dir", app.path, "enroll", "o'brien", "--no-verify"]
        let command = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        var environment = TCAdminBinary.environment(["TERM": "xterm"])
        for (k, v) in env { environment[k] = v }
        let r = try Shell.run(["script", "-qec", command, "/dev/null"], environment: environment)
        XCTAssertEqual(r.status, 0, r.stdout)
        let screen = r.stdout
        XCTAssertTrue(screen.contains("\u{1B}[30;107m"), "black on bright white: \(screen.debugDescription)")
        let uri = try XCTUnwrap(ZBar.decode(bitmap: HalfBlockText.bitmap(screen)).first, screen + r.stderr)
        let secret = try secret(in: uri, user: "o%27brien")
        XCTAssertTrue(screen.contains("  account  o'brien\r\n"), screen)
        XCTAssertTrue(screen.contains("  key      \(secret)   (time-based, 6 digits, every 30 s, SHA1)\r\n"), screen)
        XCTAssertTrue(screen.contains("  URI      \(uri)\r\n"), screen)
        XCTAssertTrue(screen.contains("enrolled o'brien: the secret is stored\r\n"), screen)
        XCTAssertEqual(try decryptWithOpenSSL(try storedSecret("o\\'brien")), secret)
    }

    func testAnEnrolledUserNeedsForceWhichBacksUpForRestore() throws {
        let original = try storedSecret("jdoe")
        let before = try table()
        var r = try run(["enroll", "jdoe", "--png", dir + "/a.png", "--no-verify"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: 'jdoe' is enrolled in 2FA already — add --force to replace the secret (the current one is backed up first)\n")
        r = try run(["enroll", "jdoe", "--png", dir + "/a.png", "--no-verify", "--force"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.hasPrefix("Error: confirmation needed and stdin is not a terminal"), r.stderr)
        XCTAssertEqual(try table(), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/a.png"))

        let backup = dir + "/jdoe.tcbak"
        r = try run(["enroll", "jdoe", "--png", dir + "/a.png", "--no-verify", "--force", "--backup", backup, "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            backup: \(backup) (undo with: tcadmin restore-2fa --from \(backup) --force)
            enrolled jdoe: the secret is stored

            """)
        let secret = try secret(in: try XCTUnwrap(ZBar.decode(dir + "/a.png").first), user: "jdoe")
        XCTAssertEqual(try decryptWithOpenSSL(try storedSecret("jdoe")), secret)
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_user_option WHERE username = 'jdoe' AND `option` = 'secret'"), "1\n", "replaced in place")
        XCTAssertEqual(try db.sql("SELECT event FROM tcneo_log"), "User 2FA enrolled offline, replacing the old secret: jdoe (tcadmin)\n")

        // restore-2fa reads the backup and brings the old secret back.
        r = try run(["restore-2fa", "--from", backup, "--force", "--yes", "--backup", dir + "/replaced.tcbak"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try storedSecret("jdoe"), original)
        XCTAssertEqual(try table(), before)
    }

    func testUnknownUsersExistingFilesOIDCAndDryRunChangeNothing() throws {
        let before = try table()
        var r = try run(["enroll", "nobody", "--png", dir + "/x.png"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: no user 'nobody' — check the spelling ('tcadmin unenrolled --include-locked --include-hidden' lists accounts)\n")
        r = try run(["enroll", "CKENT", "--png", dir + "/x.png"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: no user 'CKENT' — did you mean 'ckent'? (names are matched exactly)\n")

        try Data("keep".utf8).write(to: URL(fileURLWithPath: dir + "/x.png"))
        r = try run(["enroll", "ckent", "--png", dir + "/x.png", "--no-verify"])
        XCTAssertEqual(r.status, 73)
        XCTAssertEqual(r.stderr, "Error: \(dir)/x.png exists — give a new file name (an existing file is never overwritten)\n")
        XCTAssertEqual(FileManager.default.contents(atPath: dir + "/x.png"), Data("keep".utf8))

        r = try run(["enroll", "ckent", "--dry-run"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "would enroll ckent once the authenticator's code matches\n")
        XCTAssertEqual(r.stderr, "dry run: nothing changed\n")
        r = try run(["enroll", "jdoe", "--force", "--backup", dir + "/b.tcbak", "--dry-run"])
        XCTAssertEqual(r.stdout, "would back up the current secret of jdoe to \(dir)/b.tcbak and enroll jdoe with a new one\n")
        r = try run(["enroll", "ckent", "--backup", dir + "/b.tcbak"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.hasPrefix("Error: --backup goes with --force (only a replaced secret is backed up)\n"), r.stderr)

        // OIDC: the identity provider manages everyone's 2FA but the local admin's.
        app = try TestAppDir(for: db, extraEnv: "OIDC_YES=1")
        r = try run(["enroll", "ckent", "--png", dir + "/y.png", "--no-verify"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "Error: OIDC is on: 'ckent' logs in through the identity provider, which manages their 2FA — only the local admin account uses the app's own 2FA\n")
        XCTAssertEqual(try table(), before)
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log"), "0\n")
        try db.sql("DELETE FROM tcneo_user_option WHERE username = 'admin' AND `option` = 'secret'")
        r = try run(["enroll", "admin", "--png", dir + "/y.png", "--no-verify"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "enrolled admin: the secret is stored\n")
    }

    func testAnEmptySecretRowIsFilledInPlace() throws {
        let png = dir + "/dprince.png"
        let r = try run(["enroll", "dprince", "--png", png, "--no-verify"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let secret = try secret(in: try XCTUnwrap(ZBar.decode(png).first), user: "dprince")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_user_option WHERE username = 'dprince' AND `option` = 'secret'"), "1\n")
        XCTAssertEqual(try decryptWithOpenSSL(try storedSecret("dprince")), secret)
    }

    func testAHostileNameIsEscapedOnScreenAndEncodedInTheURI() throws {
        try db.sql("INSERT INTO tcneo_users (username, lastname) VALUES ('x\u{1B}[2J y/ü', 'hostile')")
        let png = dir + "/x.png"
        let r = try run(["enroll", "x\u{1B}[2J y/ü", "--png", png, "--no-verify"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "enrolled x\\u{1b}[2J y/ü: the secret is stored\n")
        XCTAssertFalse(r.stderr.contains("\u{1B}"), r.stderr)
        _ = try secret(in: try XCTUnwrap(ZBar.decode(png).first), user: "x%1B%5B2J%20y%2F%C3%BC")
    }

    func testRealDump() throws {
        guard let dump = TestPaths.teamcalDump("sample.sql") else { throw XCTSkip("../shared/teamcal-neo is absent: real-dump test skipped") }
        db = try TestServer.shared().createDatabase([dump])
        app = try TestAppDir(for: db)
        let png = dir + "/einstein.png"
        var r = try run(["enroll", "einstein", "--png", png, "--no-verify"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let secret = try secret(in: try XCTUnwrap(ZBar.decode(png).first), user: "einstein")
        XCTAssertEqual(try decryptWithOpenSSL(try storedSecret("einstein")), secret)
        r = try run(["test-code", "einstein", try code(secret)])
        XCTAssertEqual(r.stdout, "accepted: the code is the current one\n")
        XCTAssertEqual(try db.sql("SELECT type, event FROM tcneo_log WHERE event LIKE '%offline%'"), "logUser\tUser 2FA enrolled offline: einstein (tcadmin)\n")
    }
}

/// tcadmin running with a pipe on stdin, to answer its prompt once the test has read the PNG.
final class RunningProcess {
    let process = Process()
    private let input = Pipe(), output = Pipe(), errors = Pipe()

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: TCAdminBinary.path)
        process.arguments = arguments
        process.environment = TCAdminBinary.environment(environment)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    func send(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Closes stdin, waits for the exit, and returns the exit status and both streams.
    func finish() -> (status: Int32, stdout: String, stderr: String) {
        try? input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
