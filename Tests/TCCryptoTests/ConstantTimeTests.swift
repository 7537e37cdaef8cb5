import TCCrypto
import XCTest

final class ConstantTimeTests: XCTestCase {
    func testEqualsOnArrays() {
        XCTAssertTrue(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2]))
        XCTAssertTrue(ConstantTime.equals([UInt8](), []))
    }

    func testEqualsOnStringsComparesUTF8() {
        XCTAssertTrue(ConstantTime.equals("123456", "123456"))
        XCTAssertFalse(ConstantTime.equals("123456", "123457"))
        XCTAssertFalse(ConstantTime.equals("123456", "1234567"))
        XCTAssertFalse(ConstantTime.equals("é", "e\u{301}")) // no Unicode normalisation
        XCTAssertTrue(ConstantTime.equals("", ""))
    }

    func testEqualsOnSecureBytes() {
        XCTAssertTrue(ConstantTime.equals(SecureBytes([9, 8]), SecureBytes([9, 8])))
        XCTAssertFalse(ConstantTime.equals(SecureBytes([9, 8]), SecureBytes([9, 7])))
    }
}
