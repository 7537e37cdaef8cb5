import XCTest
@testable import TCCrypto

/// `ProcessHardening.current()` reads the kernel's view. `apply()` is not called here: it
/// would lower the test runner's own hard core limit for every later child; the CLI
/// tests check it end to end in the running binary (ProcessHardeningCLITests).
final class ProcessHardeningTests: XCTestCase {
    func testCurrentStateIsReadable() throws {
        let state = try ProcessHardening.current()
        XCTAssertTrue((0...2).contains(state.dumpable), "\(state)")
        if let soft = state.coreLimit, let hard = state.coreHardLimit { XCTAssertLessThanOrEqual(soft, hard) }
        XCTAssertEqual(ProcessHardening.State(coreLimit: 0, coreHardLimit: 0, dumpable: 0).coreDumpsOff, true)
        XCTAssertEqual(ProcessHardening.State(coreLimit: 0, coreHardLimit: 0, dumpable: 1).coreDumpsOff, false)
    }
}
