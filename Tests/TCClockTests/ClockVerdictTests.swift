import XCTest
@testable import TCClock

final class ClockVerdictTests: XCTestCase {
    func testDefaultThresholds() throws {
        let thresholds = try XCTUnwrap(ClockThresholds())
        let cases: [(Double?, ClockVerdict)] = [
            (0, .ok), (4.9, .ok), (5, .ok), (-5, .ok), (5.001, .warning), (-7, .warning),
            (15, .warning), (15.5, .critical), (-45, .critical), (.infinity, .critical),
            (nil, .unknown), (.nan, .unknown),
        ]
        for (offset, verdict) in cases {
            XCTAssertEqual(thresholds.verdict(forOffset: offset), verdict, "\(String(describing: offset))")
        }
    }

    func testCustomAndInvalidThresholds() throws {
        let strict = try XCTUnwrap(ClockThresholds(warning: 0.5, critical: 2))
        XCTAssertEqual(strict.verdict(forOffset: 1), .warning)
        XCTAssertEqual(strict.verdict(forOffset: -3), .critical)
        XCTAssertNil(ClockThresholds(warning: 20, critical: 15))
        XCTAssertNil(ClockThresholds(warning: -1, critical: 15))
        XCTAssertNil(ClockThresholds(warning: .nan, critical: 15))
        XCTAssertNotNil(ClockThresholds(warning: 0, critical: 0))
    }

    func testExitCodesMatchTheCommandLineContract() {
        XCTAssertEqual(ClockVerdict.allCases.map(\.exitCode), [0, 1, 2, 3])
        XCTAssertEqual(ClockVerdict.allCases.map(\.label), ["OK", "WARNING", "CRITICAL", "UNKNOWN"])
    }
}
