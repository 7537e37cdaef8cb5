import XCTest
import Foundation
@testable import TeamCal
import TestSupport

/// The audit trail: the app's `log` table, honouring its switches, and syslog.
final class AuditLogTests: XCTestCase {
    func testRowOnFiveThreeWithIPAndSyslogLine() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql")])
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let listener = try SyslogListener()
        let audit = AuditLog(tc, actor: "tcadmin:" + String(repeating: "o", count: 50), syslog: Syslog(socketPath: listener.path))
        try audit.record(.config, "Config updated: forceTfa '0' -> '1' (tcadmin force-2fa on)")
        let rows = try db.sql("SELECT type, ip, user, event, ABS(TIMESTAMPDIFF(SECOND, timestamp, NOW())) < 60 FROM tcneo_log")
        XCTAssertEqual(rows, "logConfig\tcli\ttcadmin:\(String(repeating: "o", count: 32))\tConfig updated: forceTfa '0' -> '1' (tcadmin force-2fa on)\t1\n")
        let line = try XCTUnwrap(listener.receive())
        XCTAssertTrue(line.hasPrefix("<85>"), line)
        XCTAssertTrue(line.hasSuffix(" tcadmin[\(getpid())]: Config updated: forceTfa '0' -> '1' (tcadmin force-2fa on) [database \(db.name), by tcadmin:\(String(repeating: "o", count: 50))]"), line)
    }

    func testSwitchOffWritesNoRowButStillSyslogs() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql")])
        try db.sql("UPDATE tcneo_config SET value = '0' WHERE name = 'logUser'; DELETE FROM tcneo_config WHERE name = 'logConfig'")
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let listener = try SyslogListener()
        let audit = AuditLog(tc, actor: "tcadmin:root", syslog: Syslog(socketPath: listener.path))
        XCTAssertFalse(try audit.isRecording(.user))
        XCTAssertFalse(try audit.isRecording(.config), "a missing switch is off")
        try audit.record(.user, "User 2FA secret reset: jdoe (tcadmin)")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log"), "0\n")
        XCTAssertNotNil(listener.receive())
    }

    func testFourXHasNoIPColumn() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-4.x.sql")])
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        try AuditLog(tc, actor: "tcadmin:root", syslog: Syslog(socketPath: "/nonexistent/log")).record(.user, "User 2FA secret reset: a (tcadmin)")
        XCTAssertEqual(try db.sql("SELECT type, user, event FROM tcneo_log"), "logUser\ttcadmin:root\tUser 2FA secret reset: a (tcadmin)\n")
    }

    func testSyslogLineFormat() {
        let syslog = Syslog(socketPath: "/nonexistent/log")
        var c = DateComponents()
        (c.year, c.month, c.day, c.hour, c.minute, c.second) = (2026, 12, 3, 9, 5, 7)
        let date = Calendar.current.date(from: c)!
        XCTAssertEqual(syslog.line("a\nb\u{1B}[2Jc", date: date), "<85>Dec  3 09:05:07 tcadmin[\(getpid())]: a b [2Jc")
        XCTAssertFalse(syslog.send("no socket: nothing happens"))
    }
}
