import Foundation
import Glibc
import XCTest
@testable import TCClock

/// Queries a real chronyd, started privately on a free loopback port.
/// `-x` keeps it from ever touching the system clock; it serves its own
/// (`local stratum 8`) time, which is ours.
final class ChronydTests: XCTestCase {
    private static let candidates = ["/usr/sbin/chronyd", "/usr/bin/chronyd", "/sbin/chronyd"]

    func testRealChronydIsQueried() throws {
        guard let chronyd = Self.candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw XCTSkip("chronyd is not installed (looked in \(Self.candidates.joined(separator: ", "))); real-server test skipped")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tcclock-chronyd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let port = try FakeSNTPServer.unusedPort()
        let configuration = directory.appendingPathComponent("chrony.conf")
        try """
            port \(port)
            bindaddress 127.0.0.1
            allow 127.0.0.1
            local stratum 8
            cmdport 0
            bindcmdaddress /
            pidfile \(directory.path)/chronyd.pid
            driftfile \(directory.path)/chrony.drift
            """.write(to: configuration, atomically: true, encoding: .utf8)
        let logURL = directory.appendingPathComponent("chronyd.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: logURL.path, contents: nil))
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: chronyd)
        // As root chronyd would switch to its own user, which cannot read the
        // temporary files; keep root. As anyone else, skip the root check.
        let user = geteuid() == 0 ? ["-u", "root"] : ["-U"]
        process.arguments = ["-x", "-d"] + user + ["-f", configuration.path]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer { Self.stop(process) }

        let server = NTPServerSpec(host: "127.0.0.1", port: port)
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(15)
        var result = SNTPClient.query([server], timeout: .milliseconds(500)).results[0]
        while result.measurement == nil, process.isRunning, clock.now < giveUp {
            Thread.sleep(forTimeInterval: 0.2)
            result = SNTPClient.query([server], timeout: .milliseconds(500)).results[0]
        }
        let output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        let measurement = try XCTUnwrap(result.measurement,
                                        "chronyd on port \(port): \(String(describing: result.error))\n\(output)")
        XCTAssertEqual(result.address, "127.0.0.1")
        XCTAssertEqual(measurement.stratum, 8)
        XCTAssertEqual(measurement.leap, .noWarning)
        XCTAssertEqual(measurement.referenceID, "127.127.1.1")
        XCTAssertEqual(measurement.offset, 0, accuracy: 0.1, "chronyd serves this machine's own clock")
        XCTAssertLessThan(measurement.delay, 0.1)
        XCTAssertTrue(output.contains("Disabled control of system clock"), output)
    }

    /// SIGTERM, then SIGKILL if chronyd has not gone within five seconds.
    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
