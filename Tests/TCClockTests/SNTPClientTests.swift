import XCTest
@testable import TCClock
import TestSupport

final class SNTPClientTests: XCTestCase {
    private let clock = ContinuousClock()

    /// Starts servers, hands them to `body`, and stops them whatever happens.
    private func withServers<R>(host: String = "127.0.0.1", _ configurations: [FakeSNTPServer.Configuration],
                                _ body: ([FakeSNTPServer]) throws -> R) throws -> R {
        var servers: [FakeSNTPServer] = []
        defer { servers.forEach { $0.stop() } }
        for configuration in configurations {
            servers.append(try FakeSNTPServer(host: host, configuration))
        }
        return try body(servers)
    }

    private func config(_ configure: (inout FakeSNTPServer.Configuration) -> Void) -> FakeSNTPServer.Configuration {
        var configuration = FakeSNTPServer.Configuration()
        configure(&configuration)
        return configuration
    }

    private func assertOffsetsMeasured(host: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let offsets: [Double] = [0, 7, -7, 45, -45]
        try withServers(host: host, offsets.map { offset in config { $0.offset = offset } }) { servers in
            let report = SNTPClient.query(servers.map(\.spec), timeout: .seconds(2))
            XCTAssertEqual(report.results.count, offsets.count, file: file, line: line)
            for (result, (server, offset)) in zip(report.results, zip(servers, offsets)) {
                XCTAssertEqual(result.server, server.spec, file: file, line: line)
                XCTAssertEqual(result.address, host, file: file, line: line)
                guard let measurement = result.measurement else {
                    XCTFail("\(server.spec): \(String(describing: result.error))", file: file, line: line)
                    continue
                }
                XCTAssertEqual(measurement.offset, offset, accuracy: 0.1, "\(server.spec)", file: file, line: line)
                XCTAssertGreaterThanOrEqual(measurement.delay, -0.01, file: file, line: line)
                XCTAssertLessThan(measurement.delay, 0.1, file: file, line: line)
                XCTAssertEqual(measurement.stratum, 2, file: file, line: line)
                XCTAssertEqual(measurement.leap, .noWarning, file: file, line: line)
                XCTAssertEqual(measurement.referenceID, "192.0.2.1", file: file, line: line)
            }
            XCTAssertEqual(try XCTUnwrap(report.combinedOffset), 0, accuracy: 0.1, file: file, line: line)
        }
    }

    private func skipUnlessIPv6Loopback() throws {
        do {
            try FakeSNTPServer(host: "::1").stop()
        } catch {
            throw XCTSkip("IPv6 loopback ::1 is not available here (\(error)); IPv6 not tested")
        }
    }

    func testOffsetsAreMeasuredOverIPv4() throws {
        try assertOffsetsMeasured(host: "127.0.0.1")
    }

    func testOffsetsAreMeasuredOverIPv6() throws {
        try skipUnlessIPv6Loopback()
        try assertOffsetsMeasured(host: "::1")
    }

    func testBracketedIPv6SpecReachesServer() throws {
        try skipUnlessIPv6Loopback()
        try withServers(host: "::1", [config { $0.offset = 3 }]) { servers in
            let spec = try NTPServerSpec(parsing: "[::1]:\(servers[0].port)")
            let result = SNTPClient.query([spec], timeout: .seconds(2)).results[0]
            XCTAssertEqual(try XCTUnwrap(result.measurement).offset, 3, accuracy: 0.1)
        }
    }

    func testNameIsResolved() throws {
        // "localhost" comes from /etc/hosts; no DNS query leaves the machine.
        try withServers([config { $0.offset = -2 }]) { servers in
            let result = SNTPClient.query([NTPServerSpec(host: "localhost", port: servers[0].port)],
                                          timeout: .seconds(2)).results[0]
            guard let measurement = result.measurement else {
                if result.address == "::1" { throw XCTSkip("localhost resolves to ::1 first here") }
                return XCTFail("localhost: \(String(describing: result.error))")
            }
            XCTAssertEqual(result.address, "127.0.0.1")
            XCTAssertEqual(measurement.offset, -2, accuracy: 0.1)
        }
    }

    func testStratumOneReferenceIsText() throws {
        try withServers([config { $0.stratum = 1; $0.referenceID = 0x4750_5300 }]) { servers in
            let result = SNTPClient.query(servers.map(\.spec), timeout: .seconds(2)).results[0]
            XCTAssertEqual(result.measurement?.referenceID, "GPS")
            XCTAssertEqual(result.measurement?.stratum, 1)
        }
    }

    func testLeapSecondWarningIsStillAGoodSource() throws {
        try withServers([config { $0.leap = .lastMinuteHas61Seconds }]) { servers in
            let result = SNTPClient.query(servers.map(\.spec), timeout: .seconds(2)).results[0]
            XCTAssertEqual(result.measurement?.leap, .lastMinuteHas61Seconds)
        }
    }

    /// Each configuration gets a reply that is rejected at once, without waiting for the timeout.
    private func assertRejected(_ configuration: FakeSNTPServer.Configuration, as expected: SNTPQueryError,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        try withServers([configuration]) { servers in
            let start = clock.now
            let report = SNTPClient.query(servers.map(\.spec), timeout: .seconds(3))
            XCTAssertLessThan(clock.now - start, .seconds(1), "should not wait for the timeout", file: file, line: line)
            XCTAssertEqual(report.results[0].error, expected, file: file, line: line)
            XCTAssertNil(report.combinedOffset, file: file, line: line)
        }
    }

    func testLeapIndicatorThreeIsRejected() throws {
        try assertRejected(config { $0.leap = .alarm }, as: .rejected(.leapAlarm))
    }

    func testStratumSixteenIsRejected() throws {
        try assertRejected(config { $0.stratum = 16 }, as: .rejected(.unsynchronizedStratum(16)))
    }

    func testReservedStratumIsRejected() throws {
        try assertRejected(config { $0.stratum = 200 }, as: .rejected(.unsynchronizedStratum(200)))
    }

    func testKissOfDeathReportsItsCode() throws {
        try assertRejected(config { $0.kissCode = "RATE" }, as: .rejected(.kissOfDeath(code: "RATE")))
        try assertRejected(config { $0.kissCode = "DENY" }, as: .rejected(.kissOfDeath(code: "DENY")))
    }

    func testStratumZeroWithoutCodeIsRejected() throws {
        try assertRejected(config { $0.stratum = 0; $0.referenceID = 0 }, as: .rejected(.kissOfDeath(code: "")))
    }

    func testNonServerModeIsRejected() throws {
        try assertRejected(config { $0.mode = .symmetricPassive }, as: .rejected(.unexpectedMode(2)))
        try assertRejected(config { $0.mode = .broadcast }, as: .rejected(.unexpectedMode(5)))
    }

    func testVersionOutsideOneToFourIsRejected() throws {
        try assertRejected(config { $0.version = 0 }, as: .rejected(.unsupportedVersion(0)))
        try assertRejected(config { $0.version = 5 }, as: .rejected(.unsupportedVersion(5)))
    }

    func testOldVersionsAreAccepted() throws {
        try withServers([config { $0.version = 1 }, config { $0.version = 3 }]) { servers in
            let report = SNTPClient.query(servers.map(\.spec), timeout: .seconds(2))
            XCTAssertEqual(report.measurements.count, 2, "\(report.results.map(\.outcome))")
        }
    }

    func testWrongOriginIsReportedWhenNothingBetterComes() throws {
        try withServers([config { $0.responses = [.wrongOrigin] }]) { servers in
            let report = SNTPClient.query(servers.map(\.spec), timeout: .milliseconds(500))
            XCTAssertEqual(report.results[0].error, .rejected(.originMismatch))
        }
    }

    func testShortGarbageIsReportedAsMalformed() throws {
        try withServers([config { $0.responses = [.garbage(Array(repeating: 0xA5, count: 20))] }]) { servers in
            let report = SNTPClient.query(servers.map(\.spec), timeout: .milliseconds(500))
            XCTAssertEqual(report.results[0].error, .malformedReply(.tooShort(length: 20)))
        }
    }

    func testLongGarbageFailsTheOriginCheck() throws {
        let garbage = (0..<48).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        try withServers([config { $0.responses = [.garbage(garbage)] }]) { servers in
            let report = SNTPClient.query(servers.map(\.spec), timeout: .milliseconds(500))
            XCTAssertEqual(report.results[0].error, .rejected(.originMismatch))
        }
    }

    func testGoodReplyAfterStrayOnesIsUsed() throws {
        let responses: [FakeSNTPServer.Response] = [.garbage([1, 2, 3]), .wrongOrigin, .reply]
        try withServers([config { $0.responses = responses; $0.offset = 7 }]) { servers in
            let report = SNTPClient.query(servers.map(\.spec), timeout: .seconds(2))
            XCTAssertEqual(try XCTUnwrap(report.results[0].measurement).offset, 7, accuracy: 0.1)
        }
    }

    func testSilentServerTimesOutOnTime() throws {
        try withServers([config { $0.responses = [] }]) { servers in
            let start = clock.now
            let report = SNTPClient.query(servers.map(\.spec), timeout: .seconds(2))
            let elapsed = clock.now - start
            XCTAssertEqual(report.results[0].error, .timeout)
            XCTAssertEqual(servers[0].requestCount, 1)
            XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(1900))
            XCTAssertLessThan(elapsed, .seconds(4), "a silent server must not hold the query past its timeout")
        }
    }

    func testSilentServerDoesNotHoldBackTheOthers() throws {
        let configurations = [config { $0.offset = 7 }, config { $0.responses = [] },
                              config { $0.offset = 8 }, config { $0.offset = 12 }]
        try withServers(configurations) { servers in
            let start = clock.now
            let report = SNTPClient.query(servers.map(\.spec), timeout: .seconds(2))
            XCTAssertLessThan(clock.now - start, .seconds(4))
            XCTAssertEqual(report.results[1].error, .timeout)
            XCTAssertEqual(report.measurements.count, 3)
            XCTAssertEqual(try XCTUnwrap(report.combinedOffset), 8, accuracy: 0.1)
        }
    }

    func testClosedPortIsUnreachableOrTimesOut() throws {
        let port = try FakeSNTPServer.unusedPort()
        let start = clock.now
        let result = SNTPClient.query([NTPServerSpec(host: "127.0.0.1", port: port)], timeout: .seconds(1)).results[0]
        XCTAssertLessThan(clock.now - start, .seconds(3))
        switch result.error {
        case .unreachable(let reason):
            XCTAssertEqual(reason, "Connection refused")
        case .timeout:
            // Some sandboxes do not turn ICMP port unreachable into ECONNREFUSED.
            print("note: no ICMP port unreachable on loopback here; closed port timed out")
        default:
            XCTFail("closed port: \(String(describing: result.error))")
        }
    }

    func testNoServersGivesAnEmptyReport() {
        let report = SNTPClient.query([], timeout: .seconds(1))
        XCTAssertTrue(report.results.isEmpty)
        XCTAssertNil(report.combinedOffset)
    }

    func testMillisecondsRoundUp() {
        XCTAssertEqual(SNTPClient.milliseconds(roundingUp: .seconds(2)), 2000)
        XCTAssertEqual(SNTPClient.milliseconds(roundingUp: .microseconds(1)), 1)
        XCTAssertEqual(SNTPClient.milliseconds(roundingUp: .microseconds(1500)), 2)
        XCTAssertEqual(SNTPClient.milliseconds(roundingUp: .seconds(-1)), 0)
        XCTAssertEqual(SNTPClient.milliseconds(roundingUp: .seconds(1e10)), Int32.max)
        XCTAssertEqual(SNTPClient.milliseconds(roundingUp: .seconds(Int64.max)), Int32.max)
    }

    func testMedian() {
        XCTAssertNil(SNTPReport.median([]))
        XCTAssertEqual(SNTPReport.median([3]), 3)
        XCTAssertEqual(SNTPReport.median([5, -1, 3]), 3)
        XCTAssertEqual(SNTPReport.median([4, 1, 3, 2]), 2.5)
    }
}
