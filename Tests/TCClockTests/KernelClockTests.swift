import XCTest
@testable import TCClock

final class KernelClockTests: XCTestCase {
    func testReadReturnsSaneStateOnThisMachine() throws {
        let reading = KernelClockReading.read()
        guard case .known(let state) = reading else {
            return XCTFail("adjtimex read failed here: \(reading)")
        }
        XCTAssertGreaterThanOrEqual(state.maxErrorMicroseconds, 0)
        XCTAssertLessThanOrEqual(state.maxErrorMicroseconds, 16_000_000)
        XCTAssertGreaterThanOrEqual(state.estimatedErrorMicroseconds, 0)
        XCTAssertNotNil(state.leapState, "adjtimex returned an unknown clock state")
        XCTAssertGreaterThan(state.tickMicroseconds, 0)
        XCTAssertEqual(state.synchronized, state.maxError < 16)
        print("kernel clock: status \(state.status), maxerror \(state.maxError) s, "
              + "esterror \(state.estimatedError) s, synchronized \(state.synchronized)")
    }

    func testSynchronizedFollowsSystemdMaxErrorRule() {
        func state(_ maxError: Int64, _ status: KernelClockStatus) -> KernelClockState {
            KernelClockState(status: status, leapState: .ok, maxErrorMicroseconds: maxError,
                             estimatedErrorMicroseconds: 0)
        }
        XCTAssertTrue(state(15_999_999, []).synchronized)
        XCTAssertFalse(state(16_000_000, []).synchronized)
        // STA_UNSYNC is reported, but systemd does not let it decide.
        let flagged = state(250_000, [.unsynchronized, .pll])
        XCTAssertTrue(flagged.synchronized)
        XCTAssertTrue(flagged.unsynchronizedFlag)
        XCTAssertEqual(flagged.maxError, 0.25)
    }

    func testStatusDescriptionNamesFlags() {
        XCTAssertEqual(KernelClockStatus([]).description, "0")
        XCTAssertEqual(KernelClockStatus([.pll, .unsynchronized, .nanoResolution]).description,
                       "STA_PLL|STA_UNSYNC|STA_NANO")
        XCTAssertEqual(KernelClockStatus(rawValue: 0x10040).flagNames, ["STA_UNSYNC", "0x10000"])
    }
}
