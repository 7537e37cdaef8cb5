import TCCrypto
import XCTest

final class HOTPTests: XCTestCase {
    func testRFC4226AppendixD() throws {
        let set = try Vectors.rfc().hotp
        let hotp = HOTP(key: SecureBytes(Array(set.secretASCII.utf8)))
        XCTAssertEqual(set.codes.count, 10)
        for (counter, expected) in set.codes.enumerated() {
            XCTAssertEqual(try hotp.code(counter: UInt64(counter)), expected, "counter \(counter)")
        }
    }

    func testShorterCodesAreTheLowDigits() throws {
        let set = try Vectors.rfc().hotp
        let key = SecureBytes(Array(set.secretASCII.utf8))
        for (counter, expected) in set.codes.enumerated() {
            XCTAssertEqual(try HOTP(key: key, digits: 4).code(counter: UInt64(counter)), String(expected.suffix(4)))
        }
    }

    func testEmptyKeyIsLegalHMAC() throws {
        XCTAssertEqual(try HOTP(key: SecureBytes([])).code(counter: 0), "328482") // Python hmac, empty key
    }
}
