import XCTest
import Foundation
@testable import TCAdminCLI
import TestSupport

/// The setup-page guard of `force-2fa on`: the app's setup page loads its QR code from an
/// online service; when this host cannot reach it, users not enrolled would be locked out.
/// Tried against loopback ports that listen and that do not, and a name that cannot resolve.
final class ForceTfaGuardCLITests: XCTestCase {
    var db: TestDatabase!
    var app: TestAppDir!
    var env: [String: String] = [:]

    static func unreachableLines(_ service: String, _ reason: String) -> String { """
        warning: 6 active users are not enrolled and will be sent to 2FA setup at the next login (list: tcadmin unenrolled)
        warning: this host cannot reach \(service) (\(reason)), where the app's setup page loads its QR code: the page will fail with an error and those users cannot log in — enroll them here first with 'tcadmin enroll USER' (a QR code on this terminal, or --png FILE)

        """ }

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        app = try TestAppDir(for: db)
        env = ["USER": "tester", "TCADMIN_SYSLOG_SOCKET": "/nonexistent"]
    }

    func run(_ args: [String], qrService: String) throws -> Shell.Result {
        var env = self.env
        env["TCADMIN_QR_SERVICE"] = qrService
        return try TCAdminBinary.run(["--app-dir", app.path] + args, environment: env)
    }

    func forceTfa() throws -> String {
        try db.sql("SELECT value FROM tcneo_config WHERE name = 'forceTfa'")
    }

    func testAReachableServiceGivesNoWarning() throws {
        let service = try LoopbackListener()
        let r = try run(["force-2fa", "on", "--yes"], qrService: service.address)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, """
            warning: 6 active users are not enrolled and will be sent to 2FA setup at the next login (list: tcadmin unenrolled)
            the app's setup page loads its QR code from an online service; on a server without internet access, enroll users first
            cleared 0 app cache files in \(app.file("cache")): the app uses the new setting now

            """)
        XCTAssertEqual(try forceTfa(), "1\n")
    }

    func testAClosedPortWarnsAsksAndGoesAheadOnlyWithYes() throws {
        let service = "127.0.0.1:\(try LoopbackListener.closedPort())"
        var r = try run(["force-2fa", "on"], qrService: service)
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, Self.unreachableLines(service, "connection refused")
                       + "Error: confirmation needed and stdin is not a terminal — add --yes to go ahead (or --dry-run to look first)\n")
        XCTAssertEqual(try forceTfa(), "0\n", "nothing written")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log"), "0\n")

        r = try run(["force-2fa", "on", "--dry-run"], qrService: service)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, Self.unreachableLines(service, "connection refused") + "dry run: nothing changed\n")
        XCTAssertEqual(try forceTfa(), "0\n")

        r = try run(["force-2fa", "on", "--yes"], qrService: service)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "forceTfa: '1' (was '0')\nforceTfa is now on\n")
        XCTAssertEqual(r.stderr, Self.unreachableLines(service, "connection refused")
                       + "cleared 0 app cache files in \(app.file("cache")): the app uses the new setting now\n")
        XCTAssertEqual(try forceTfa(), "1\n")
    }

    func testANameThatDoesNotResolveWarns() throws {
        let r = try run(["force-2fa", "on", "--dry-run"], qrService: "qr.example.invalid")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: this host cannot reach qr.example.invalid:443 (cannot resolve qr.example.invalid: "), r.stderr)
        XCTAssertTrue(r.stderr.contains("enroll them here first with 'tcadmin enroll USER'"), r.stderr)
    }

    func testNobodyToEnrollNoCheckAndABadSettingIsAConfigurationError() throws {
        // Everyone active is enrolled: the service does not matter, and is not even parsed.
        try db.sql("UPDATE tcneo_users SET locked = 1 WHERE username IN ('ckent', 'dprince', 'ezero', 'honhold', 'iverify', 'o\\'brien')")
        var r = try run(["force-2fa", "on", "--dry-run"], qrService: "127.0.0.1:\(try LoopbackListener.closedPort())")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "every active user is enrolled: nobody will be sent to 2FA setup\ndry run: nothing changed\n")
        try db.sql("UPDATE tcneo_users SET locked = 0 WHERE username = 'ckent'")
        r = try run(["force-2fa", "on", "--dry-run"], qrService: "qr.example.org:https")
        XCTAssertEqual(r.status, 78)
        XCTAssertEqual(r.stderr, "Error: qr-service 'qr.example.org:https': port must be a number from 1 to 65535 — give HOST:PORT (qr-service in the config file, or TCADMIN_QR_SERVICE)\n")
    }

    func testServiceProbe() throws {
        let listener = try LoopbackListener()
        XCTAssertEqual(try ServiceProbe(parsing: listener.address).run(timeout: 3), .reachable)
        let closed = try LoopbackListener.closedPort()
        XCTAssertEqual(try ServiceProbe(parsing: "127.0.0.1:\(closed)").run(timeout: 3), .unreachable("connection refused"))
        let probe = try ServiceProbe(parsing: "api.qrserver.com")
        XCTAssertEqual(probe.description, "api.qrserver.com:443")
        XCTAssertEqual(try ServiceProbe(parsing: "[::1]:8443").description, "[::1]:8443")
        XCTAssertEqual(try ServiceProbe(parsing: "::1").port, 443)
        XCTAssertThrowsError(try ServiceProbe(parsing: "host:0"))
        XCTAssertThrowsError(try ServiceProbe(parsing: ""))
    }
}
