import XCTest
import Foundation
import TestSupport

/// `tcadmin force-2fa`, through the built binary: the setting, the app's cache, the guard,
/// the audit trail, and exact output and exit codes.
final class ForceTfaCLITests: XCTestCase {
    var db: TestDatabase!
    var app: TestAppDir!
    var listener: SyslogListener!
    /// A reachable stand-in for the app's online QR service (tests have no internet);
    /// ForceTfaGuardCLITests covers an unreachable one.
    var qrService: LoopbackListener!
    var env: [String: String] = [:]

    static let guardLines = """
        warning: 6 active users are not enrolled and will be sent to 2FA setup at the next login (list: tcadmin unenrolled)
        the app's setup page loads its QR code from an online service; on a server without internet access, enroll users first

        """

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        app = try TestAppDir(for: db)
        listener = try SyslogListener()
        qrService = try LoopbackListener()
        env = ["USER": "tester", "TCADMIN_SYSLOG_SOCKET": listener.path, "TCADMIN_QR_SERVICE": qrService.address]
        try addCacheFiles()
    }

    func addCacheFiles() throws {
        for name in ["b6f2d4c0a1.cache", "other.cache", "index.html"] {
            try Data("cached".utf8).write(to: URL(fileURLWithPath: app.file("cache/\(name)")))
        }
    }

    func run(_ args: [String], extra: [String: String] = [:]) throws -> Shell.Result {
        try TCAdminBinary.run(["--app-dir", app.path] + args, environment: env.merging(extra) { $1 })
    }

    func settings() throws -> String {
        try db.sql("SELECT name, value FROM tcneo_config WHERE name IN ('forceTfa', 'disableTfa') ORDER BY name")
    }

    func cacheFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: app.file("cache")).sorted()
    }

    func testOnAsksFirstThenWritesClearsTheCacheAndAudits() throws {
        var r = try run(["force-2fa", "on"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, Self.guardLines + "Error: confirmation needed and stdin is not a terminal — add --yes to go ahead (or --dry-run to look first)\n")
        XCTAssertEqual(try settings(), "disableTfa\t0\nforceTfa\t0\n", "nothing changed")
        XCTAssertEqual(try cacheFiles().count, 3)

        r = try run(["force-2fa", "on", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "forceTfa: '1' (was '0')\nforceTfa is now on\n")
        XCTAssertEqual(r.stderr, Self.guardLines + "cleared 2 app cache files in \(app.file("cache")): the app uses the new setting now\n")
        XCTAssertEqual(try settings(), "disableTfa\t0\nforceTfa\t1\n")
        XCTAssertEqual(try cacheFiles(), ["index.html"], "every *.cache file, nothing else")
        XCTAssertEqual(try db.sql("SELECT type, ip, user, event FROM tcneo_log"),
                       "logConfig\tcli\ttcadmin:tester\tConfig updated: forceTfa '0' -> '1' (tcadmin force-2fa on)\n")
        let line = try XCTUnwrap(listener.receive())
        XCTAssertTrue(line.hasPrefix("<85>") && line.contains(" tcadmin[") && line.hasSuffix("]: Config updated: forceTfa '0' -> '1' (tcadmin force-2fa on) [database \(db.name), by tcadmin:tester]"), line)

        // Already on: says so, exits 0, writes nothing, still clears a stale cache.
        try addCacheFiles()
        r = try run(["force-2fa", "on", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "forceTfa is already on — nothing to change\n")
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(try cacheFiles(), ["index.html"])
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log"), "1\n")

        r = try run(["force-2fa", "off"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "forceTfa: '0' (was '1')\nforceTfa is now off\n")
        XCTAssertEqual(r.stderr, "cleared 0 app cache files in \(app.file("cache")): the app uses the new setting now\n")
        XCTAssertEqual(try settings(), "disableTfa\t0\nforceTfa\t0\n")
    }

    func testDryRunChangesNothing() throws {
        let before = try db.sql("SELECT * FROM tcneo_config ORDER BY id") + db.sql("SELECT COUNT(*) FROM tcneo_log")
        let r = try run(["force-2fa", "on", "--dry-run"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "would set forceTfa to '1' (now '0')\nwould delete 2 app cache files in \(app.file("cache"))\n")
        XCTAssertEqual(r.stderr, Self.guardLines + "dry run: nothing changed\n")
        XCTAssertEqual(try db.sql("SELECT * FROM tcneo_config ORDER BY id") + db.sql("SELECT COUNT(*) FROM tcneo_log"), before)
        XCTAssertEqual(try cacheFiles().count, 3)
        XCTAssertNil(listener.receive(timeout: 0.3), "no audit line for a dry run")
    }

    func testRefusesWhileTheFeatureIsDisabledUnlessAskedToEnableIt() throws {
        try db.sql("UPDATE tcneo_config SET value = '1' WHERE name = 'disableTfa'")
        var r = try run(["force-2fa", "on", "--yes"])
        XCTAssertEqual(r.status, 78)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "Error: the app's 2FA feature is disabled (disableTfa = '1'): forcing 2FA would send users into a redirect loop — add --enable-feature to switch the feature on as well\n")
        XCTAssertEqual(try settings(), "disableTfa\t1\nforceTfa\t0\n")

        r = try run(["force-2fa", "on", "--enable-feature", "--yes", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "disableTfa: '0' (was '1')\nforceTfa: '1' (was '0')\nforceTfa is now on\n")
        XCTAssertEqual(try settings(), "disableTfa\t0\nforceTfa\t1\n")
        XCTAssertEqual(try db.sql("SELECT event FROM tcneo_log ORDER BY id"), """
            Config updated: disableTfa '1' -> '0' (tcadmin force-2fa on)
            Config updated: forceTfa '0' -> '1' (tcadmin force-2fa on)

            """)

        r = try run(["force-2fa", "off", "--enable-feature"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stderr, "Error: --enable-feature goes with 'on'\nUsage: tcadmin force-2fa on|off|status [--enable-feature] [--dry-run] [--yes] [--format text|json]  (see 'tcadmin help force-2fa')\n")
    }

    func testWithoutTheAppFolderItWarnsAndCreatesMissingRows() throws {
        let old = try TestServer.shared().createDatabase([TestPaths.sql("schema-4.x.sql"), TestPaths.sql("demo-data.sql")])
        let r = try TCAdminBinary.run(old.cliArguments + ["force-2fa", "on", "--yes"], environment: old.cliEnvironment.merging(env) { $1 })
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "forceTfa: '1' (row created)\nforceTfa is now on\n")
        XCTAssertEqual(r.stderr, Self.guardLines + "warning: the app caches settings for up to an hour: give --app-dir so tcadmin can clear APP/cache, or delete APP/cache/*.cache yourself\n")
        XCTAssertEqual(try old.sql("SELECT name, value FROM tcneo_config WHERE name LIKE '%Tfa'"), "forceTfa\t1\n")
        XCTAssertEqual(try old.sql("SELECT type, user, event FROM tcneo_log"), "logConfig\ttcadmin:tester\tConfig updated: forceTfa (no row) -> '1' (tcadmin force-2fa on)\n")
    }

    func testStatusAndJSON() throws {
        var r = try run(["force-2fa", "status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "forceTfa    off\ndisableTfa  off\nunenrolled  6 active users\n")
        XCTAssertEqual(r.stderr, "")
        r = try run(["force-2fa", "status", "--format", "json"])
        XCTAssertEqual(r.stdout, """
            {
              "forceTfa": {
                "value": "0",
                "on": false
              },
              "disableTfa": {
                "value": "0",
                "on": false
              },
              "unenrolled_active_users": 6,
              "oidc": false
            }

            """)
        r = try run(["force-2fa", "on", "--yes", "--format", "json", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(j["changed"] as? Bool, true)
        XCTAssertEqual(j["unenrolled_active_users"] as? Int, 6)
        XCTAssertEqual((j["settings"] as? [String: [String: String]])?["forceTfa"], ["before": "0", "after": "1"])
        XCTAssertEqual((j["app_cache"] as? [String: Any])?["removed"] as? Int, 2)
        r = try run(["force-2fa", "maybe"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.hasPrefix("Error: 'maybe' is not on, off or status\n"), r.stderr)
    }

    func testOIDCConcernsOnlyTheAdminAccount() throws {
        app = try TestAppDir(for: db, extraEnv: "OIDC_YES=1")
        try db.sql("DELETE FROM tcneo_user_option WHERE username = 'admin' AND `option` = 'secret'")
        var r = try run(["force-2fa", "status"])
        XCTAssertEqual(r.stdout, "forceTfa    off\ndisableTfa  off\nunenrolled  1 admin account (OIDC: local 2FA applies only to admin)\n")
        r = try run(["force-2fa", "on", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, """
            OIDC is on: local 2FA applies only to the admin account; other users' 2FA is managed by the identity provider
            warning: the admin account is not enrolled and will be sent to 2FA setup at the next login (list: tcadmin unenrolled)
            the app's setup page loads its QR code from an online service; on a server without internet access, enroll users first
            cleared 0 app cache files in \(app.file("cache")): the app uses the new setting now

            """)
    }

    func testACacheThatCannotBeClearedIsAnError() throws {
        try FileManager.default.removeItem(atPath: app.file("cache"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: app.file("cache")))
        let r = try run(["force-2fa", "on", "--yes", "--quiet"])
        XCTAssertEqual(r.status, 73)
        XCTAssertEqual(r.stdout, "forceTfa: '1' (was '0')\nforceTfa is now on\n")
        XCTAssertTrue(r.stderr.hasSuffix("Error: the setting is written, but the app's cache folder \(app.file("cache")) cannot be cleared (it is not a folder): the app may use the old setting for up to an hour — delete \(app.file("cache"))/*.cache as the web server's user\n"), r.stderr)
        XCTAssertEqual(try settings(), "disableTfa\t0\nforceTfa\t1\n")
    }
}
