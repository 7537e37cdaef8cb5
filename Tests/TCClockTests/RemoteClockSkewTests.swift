import XCTest
@testable import TCClock

final class RemoteClockSkewTests: XCTestCase {
    func testMidpointOfTheRoundTrip() throws {
        let skew = try XCTUnwrap(RemoteClockSkew(localBefore: 1000, remote: 1012.5, localAfter: 1001))
        XCTAssertEqual(skew.offset, 12, accuracy: 1e-9)
        XCTAssertEqual(skew.uncertainty, 0.5, accuracy: 1e-9)
        XCTAssertEqual(skew.roundTrip, 1, accuracy: 1e-9)
    }

    func testRemoteBehindAndWholeSecondReadings() throws {
        let behind = try XCTUnwrap(RemoteClockSkew(localBefore: 2000.2, remote: 1990.25, localAfter: 2000.3))
        XCTAssertEqual(behind.offset, -10, accuracy: 1e-9)
        XCTAssertEqual(behind.uncertainty, 0.05, accuracy: 1e-9)
        // UNIX_TIMESTAMP() truncates: 1990 stands for 1990 ..< 1991.
        let truncated = try XCTUnwrap(RemoteClockSkew(localBefore: 2000.2, remote: 1990, localAfter: 2000.3,
                                                      remoteResolution: 1))
        XCTAssertEqual(truncated.offset, -9.75, accuracy: 1e-9)
        XCTAssertEqual(truncated.uncertainty, 0.55, accuracy: 1e-9)
    }

    func testImpossibleReadingsAreRefused() {
        XCTAssertNil(RemoteClockSkew(localBefore: 10, remote: 10, localAfter: 9))
        XCTAssertNil(RemoteClockSkew(localBefore: 10, remote: .nan, localAfter: 11))
        XCTAssertNil(RemoteClockSkew(localBefore: 10, remote: 10, localAfter: .infinity))
        XCTAssertNil(RemoteClockSkew(localBefore: 10, remote: 10, localAfter: 11, remoteResolution: -1))
    }

    func testLocalClockIsUnixTime() {
        XCTAssertEqual(RemoteClockSkew.localClock(), Double(time(nil)), accuracy: 2)
        XCTAssertEqual(RemoteClockSkew.localClock(), NTPTimestamp.now().unixTime, accuracy: 0.1)
    }
}
