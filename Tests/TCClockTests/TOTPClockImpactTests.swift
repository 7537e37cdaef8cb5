import XCTest
@testable import TCClock

final class TOTPClockImpactTests: XCTestCase {
    /// Brute force: is a code of age `age` accepted by a server whose clock is
    /// `clockError` ahead? Straight from the definition, with steps as integers.
    private func accepted(age: Double, clockError: Double, period: Double = 30, window: Int = 1) -> Bool {
        let codeStep = 1000.0  // any step; the code was made at its start plus nothing
        let arrival = codeStep * period + age
        let serverStep = ((arrival + clockError) / period).rounded(.down)
        return abs(serverStep - codeStep) <= Double(window)
    }

    func testAcceptedAgesMatchTheDefinition() throws {
        for clockError in stride(from: -95.0, through: 95.0, by: 2.5) {
            let impact = try XCTUnwrap(TOTPClockImpact(offset: -clockError))
            for age in stride(from: -100.0, through: 160.0, by: 0.25) {
                XCTAssertEqual(impact.acceptedAges.contains(age), accepted(age: age, clockError: clockError),
                               "clock error \(clockError), age \(age)")
            }
        }
    }

    func testRejectedShareWhileShownMatchesTheDefinition() throws {
        for clockError in stride(from: -95.0, through: 95.0, by: 2.5) {
            let impact = try XCTUnwrap(TOTPClockImpact(offset: -clockError))
            let ages = stride(from: 0.0, to: 30.0, by: 0.01)
            let rejected = Double(ages.filter { !accepted(age: $0, clockError: clockError) }.count) * 0.01
            XCTAssertEqual(impact.rejectedSecondsPerStep, rejected, accuracy: 0.02, "clock error \(clockError)")
        }
    }

    func testSummaries() {
        func summary(_ offset: Double) -> String { TOTPClockImpact.explanation(forOffset: offset) }
        XCTAssertEqual(summary(0), "clock right: codes are accepted while shown and up to 30 s after")
        // offset is reference − ours: a negative offset means our clock is ahead.
        XCTAssertEqual(summary(-7), "clock 7 s ahead: codes are accepted while shown, but rejected if they "
                       + "arrive more than 23 s after leaving the phone's screen (normally 30 s)")
        XCTAssertEqual(summary(7), "clock 7 s behind: codes are accepted while shown and up to 37 s after")
        XCTAssertEqual(summary(-20), "clock 20 s ahead: codes are accepted while shown, but rejected if they "
                       + "arrive more than 10 s after leaving the phone's screen (normally 30 s)")
        XCTAssertEqual(summary(-30), "clock 30 s ahead: codes are accepted while shown, but rejected if they "
                       + "arrive more than 0 s after leaving the phone's screen (normally 30 s)")
        XCTAssertEqual(summary(-45), "clock 45 s ahead: codes entered in the last 15 s of their 30 s step "
                       + "are rejected (50% of codes even when typed at once)")
        XCTAssertEqual(summary(40.5), "clock 40.5 s behind: codes entered in the first 10.5 s of their 30 s step "
                       + "are rejected (35% of codes even when typed at once)")
        XCTAssertEqual(summary(-60), "clock 60 s ahead: every code is rejected while the phone shows it")
        XCTAssertEqual(summary(3600), "clock 3600 s behind: every code is rejected while the phone shows it")
        XCTAssertEqual(TOTPClockImpact.explanation(forOffset: nil),
                       "clock offset unknown: its effect on TOTP codes cannot be judged")
        XCTAssertEqual(TOTPClockImpact.explanation(forOffset: .nan),
                       "clock offset unknown: its effect on TOTP codes cannot be judged")
    }

    func testOtherWindows() throws {
        let strict = try XCTUnwrap(TOTPClockImpact(offset: -10, window: 0))
        XCTAssertEqual(strict.acceptedAges, -10.0 ..< 20.0)
        XCTAssertEqual(strict.rejectedSecondsPerStep, 10)
        XCTAssertNil(TOTPClockImpact(offset: 0, period: 0))
        XCTAssertNil(TOTPClockImpact(offset: 0, window: -1))
    }
}
