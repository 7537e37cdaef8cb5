import Foundation
import XCTest
@testable import TCClock
import TestSupport

/// Queries a real chronyd, started privately on a free loopback port.
final class ChronydTests: XCTestCase {
    func testRealChronydIsQueried() throws {
        guard let chronyd = PrivateChronyd.executable else {
            throw XCTSkip("chronyd is not installed (looked in \(PrivateChronyd.candidates.joined(separator: ", "))); real-server test skipped")
        }
        let server = try PrivateChronyd(executable: chronyd)
        defer { server.stop() }
        let result = server.waitUntilServing()
        let output = server.output
        let measurement = try XCTUnwrap(result.measurement,
                                        "chronyd on port \(server.port): \(String(describing: result.error))\n\(output)")
        XCTAssertEqual(result.address, "127.0.0.1")
        XCTAssertEqual(measurement.stratum, 8)
        XCTAssertEqual(measurement.leap, .noWarning)
        XCTAssertEqual(measurement.referenceID, "127.127.1.1")
        XCTAssertEqual(measurement.offset, 0, accuracy: 0.1, "chronyd serves this machine's own clock")
        XCTAssertLessThan(measurement.delay, 0.1)
        XCTAssertTrue(output.contains("Disabled control of system clock"), output)
    }
}
