import XCTest
import Foundation
import TestSupport

/// `tcadmin ntp-check` through the built binary, against fake SNTP servers on loopback
/// and a real chronyd.
final class NTPCheckCLITests: XCTestCase {
    func run(_ args: [String]) throws -> (Shell.Result, TimeInterval) {
        let start = Date()
        let r = try TCAdminBinary.run(["ntp-check"] + args)
        return (r, Date().timeIntervalSince(start))
    }

    func testOffsetsGiveTheirVerdicts() throws {
        // Offset of the server's clock relative to ours: +7 means our clock is 7 s behind.
        for (offset, code, label) in [(0.0, 0, "OK"), (7.0, 1, "WARNING"), (-7.0, 1, "WARNING"), (45.0, 2, "CRITICAL"), (-45.0, 2, "CRITICAL")] {
            let server = try FakeSNTPServer { $0.offset = offset }
            defer { server.stop() }
            let (r, _) = try run(["--server", "127.0.0.1:\(server.port)", "--timeout", "2"])
            XCTAssertEqual(r.status, Int32(code), "\(offset): \(r.stdout)\(r.stderr)")
            let prefix = "NTP \(label): offset "
            XCTAssertTrue(r.stdout.hasPrefix(prefix), r.stdout)
            let measured = Double(r.stdout.dropFirst(prefix.count).prefix(while: { $0 != " " }))
            XCTAssertEqual(try XCTUnwrap(measured, r.stdout), offset, accuracy: 0.2)
            XCTAssertTrue(r.stdout.contains("TOTP: "), r.stdout)
        }
    }

    func testAnOffsetThatRoundsToZeroIsNeverMinusZero() throws {
        let server = try FakeSNTPServer { $0.offset = -0.0002 }
        defer { server.stop() }
        var (r, _) = try run(["--server", "127.0.0.1:\(server.port)", "--format", "nagios"])
        XCTAssertTrue(r.stdout.hasPrefix("NTP OK: offset 0.000 s, "), r.stdout)
        (r, _) = try run(["--server", "127.0.0.1:\(server.port)"])
        XCTAssertTrue(r.stdout.hasPrefix("NTP OK: offset 0.000 s"), r.stdout)
    }

    func testNagiosAndJSONFormats() throws {
        let server = try FakeSNTPServer { $0.offset = 7 }
        defer { server.stop() }
        var (r, _) = try run(["--server", "127.0.0.1:\(server.port)", "--format", "nagios", "--warn", "5", "--crit", "15"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.hasPrefix("NTP WARNING: offset "), r.stdout)
        let perf = try XCTUnwrap(r.stdout.range(of: "|offset="), r.stdout)
        let measured = Double(r.stdout[perf.upperBound...].prefix(while: { $0 != "s" }))
        XCTAssertEqual(try XCTUnwrap(measured, r.stdout), 7, accuracy: 0.2)
        XCTAssertTrue(r.stdout.contains(";5.000000;15.000000;"), r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 1, "nagios output is one line")
        (r, _) = try run(["--server", "127.0.0.1:\(server.port)", "--format", "json", "--warn", "10"])
        XCTAssertEqual(r.status, 0)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(j["verdict"] as? String, "ok")
        XCTAssertEqual(j["offset"] as! Double, 7, accuracy: 0.2)
        let servers = j["servers"] as! [[String: Any]]
        XCTAssertEqual(servers.count, 1)
        XCTAssertEqual(servers[0]["ok"] as? Bool, true)
        XCTAssertEqual(servers[0]["stratum"] as? Int, 2)
    }

    func testSilentServerIsUnknownWithinTheTimeout() throws {
        let silent = try FakeSNTPServer { $0.responses = [] }
        defer { silent.stop() }
        let (r, elapsed) = try run(["--server", "127.0.0.1:\(silent.port)", "--timeout", "2"])
        XCTAssertEqual(r.status, 3, r.stdout)
        XCTAssertTrue(r.stdout.hasPrefix("NTP UNKNOWN"), r.stdout)
        XCTAssertLessThan(elapsed, 3.5, "a silent server must not hang the command")
        XCTAssertGreaterThan(elapsed, 1.5)
    }

    func testBadServersAreRejectedAndGoodOnesStillCount() throws {
        let good = try FakeSNTPServer { $0.offset = 0 }
        let alarm = try FakeSNTPServer { $0.leap = .alarm; $0.offset = 100 }
        let kiss = try FakeSNTPServer { $0.kissCode = "RATE" }
        let garbage = try FakeSNTPServer { $0.responses = [.garbage([1, 2, 3])] }
        let wrongOrigin = try FakeSNTPServer { $0.responses = [.wrongOrigin] }
        defer { [good, alarm, kiss, garbage, wrongOrigin].forEach { $0.stop() } }
        let args = [good, alarm, kiss, garbage, wrongOrigin].flatMap { ["--server", "127.0.0.1:\($0.port)"] }
        let (r, _) = try run(args + ["--timeout", "1.5"])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.contains("median of 1 of 5 servers"), r.stdout)
        XCTAssertTrue(r.stdout.lowercased().contains("rate"), r.stdout)
    }

    func testUsageErrors() throws {
        XCTAssertEqual(try run(["--server", "a b:x"]).0.status, 64)
        XCTAssertEqual(try run(["--warn", "20", "--crit", "10"]).0.status, 64)
        XCTAssertEqual(try run(["--timeout", "0"]).0.status, 64)
        XCTAssertEqual(try run(["--format", "csv"]).0.status, 64)
    }

    func testRealChronyd() throws {
        guard let chronyd = PrivateChronyd.executable else { throw XCTSkip("chronyd is not installed; real-peer test skipped") }
        let server = try PrivateChronyd(executable: chronyd)
        defer { server.stop() }
        XCTAssertNotNil(server.waitUntilServing().measurement, server.output)
        let (r, _) = try run(["--server", "127.0.0.1:\(server.port)", "--format", "nagios"])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.hasPrefix("NTP OK: offset "), r.stdout)
    }

    func testDatabaseClock() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql")])
        let server = try FakeSNTPServer { $0.offset = 0 }
        defer { server.stop() }
        let r = try TCAdminBinary.run(db.cliArguments + ["ntp-check", "--db", "--server", "127.0.0.1:\(server.port)", "--format", "json"],
                                      environment: db.cliEnvironment)
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let database = try XCTUnwrap(j["database"] as? [String: Double])
        XCTAssertEqual(database["offset"]!, 0, accuracy: 1.0, "the private server runs on this machine's clock")
    }
}
