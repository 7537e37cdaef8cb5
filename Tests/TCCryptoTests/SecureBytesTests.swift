@testable import TCCrypto
import XCTest

final class SecureBytesTests: XCTestCase {
    func testHoldsACopyOfTheBytes() {
        var source: [UInt8] = [1, 2, 3, 250]
        let bytes = SecureBytes(source)
        source[0] = 99
        XCTAssertEqual(bytes.count, 4)
        XCTAssertEqual(bytes.withUnsafeBytes { Array($0) }, [1, 2, 3, 250])
    }

    func testCountInitialiserGivesZeros() {
        let bytes = SecureBytes(count: 20)
        XCTAssertEqual(bytes.withUnsafeBytes { Array($0) }, [UInt8](repeating: 0, count: 20))
    }

    func testEmptyAndNegativeCounts() {
        XCTAssertEqual(SecureBytes([]).count, 0)
        XCTAssertEqual(SecureBytes(count: -5).count, 0)
        XCTAssertEqual(SecureBytes(count: 0).withUnsafeBytes { $0.count }, 0)
    }

    func testFillThatThrowsPropagatesTheError() {
        struct Boom: Error {}
        XCTAssertThrowsError(try SecureBytes(uninitializedCount: 8) { (_) throws(Boom) in throw Boom() }) {
            XCTAssertTrue($0 is Boom)
        }
    }

    func testDescriptionShowsOnlyTheSize() {
        let bytes = SecureBytes(Array("SECRETSECRET".utf8))
        XCTAssertEqual("\(bytes)", "SecureBytes(12 bytes, <redacted>)")
        var dumped = ""
        dump(bytes, to: &dumped)
        XCTAssertFalse(dumped.contains("SECRET"))
        XCTAssertFalse(dumped.contains("83")) // "S" as a number
    }
}
