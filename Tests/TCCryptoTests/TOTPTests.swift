import TCCrypto
import XCTest

final class TOTPTests: XCTestCase {
    private func rfcKey() throws -> (SecureBytes, RFCVectors.TOTPSet) {
        let set = try Vectors.rfc().totp
        return (SecureBytes(Array(set.secretASCII.utf8)), set)
    }

    func testRFC6238AppendixBSHA1EightDigits() throws {
        let (key, set) = try rfcKey()
        let totp = TOTP(secret: key, digits: set.digits)
        XCTAssertEqual(set.codes.count, 6)
        for vector in set.codes {
            XCTAssertEqual(totp.step(at: vector.time), vector.step, "step at \(vector.time)")
            XCTAssertEqual(try totp.code(at: vector.time), vector.code, "code at \(vector.time)")
        }
    }

    func testRFC6238AppendixBSixDigitSuffix() throws {
        let (key, set) = try rfcKey()
        let totp = TOTP(secret: key)
        XCTAssertEqual(totp.digits, 6)
        for vector in set.codes {
            XCTAssertEqual(try totp.code(at: vector.time), String(vector.code.suffix(6)), "code at \(vector.time)")
            XCTAssertEqual(try totp.code(atStep: vector.step), String(vector.code.suffix(6)))
        }
    }

    func testStepIsFloorDivisionByThirtySeconds() {
        XCTAssertEqual(TOTP.step(at: 0), 0)
        XCTAssertEqual(TOTP.step(at: 29), 0)
        XCTAssertEqual(TOTP.step(at: 30), 1)
        XCTAssertEqual(TOTP.step(at: -1), -1)
        XCTAssertEqual(TOTP.step(at: -30), -1)
        XCTAssertEqual(TOTP.step(at: -31), -2)
        XCTAssertEqual(TOTP.step(at: .max), Int64.max / 30)
        XCTAssertEqual(TOTP.step(at: .min), Int64.min / 30 - 1)
    }

    func testNegativeStepIsTwosComplementCounter() throws {
        let (key, _) = try rfcKey()
        XCTAssertEqual(try TOTP(secret: key).code(atStep: -1), "094451") // HOTP counter 2^64−1, Python hmac
    }

    func testWellFormedCodeIsExactlySixASCIIDigits() {
        XCTAssertTrue(TOTP.isWellFormedCode("012345"))
        for bad in ["", "12345", "1234567", "12345a", " 123456", "123456\n", "12 345", "١٢٣٤٥٦", "１２３４５６", "-12345"] {
            XCTAssertFalse(TOTP.isWellFormedCode(bad), bad.debugDescription)
        }
    }

    func testMatchOffsetFindsTheStepWithinTheWindow() throws {
        let (key, _) = try rfcKey()
        let totp = TOTP(secret: key)
        let now: Int64 = 1_764_763_215
        let step = totp.step(at: now)
        for offset in -3...3 {
            let code = try totp.code(atStep: step + Int64(offset))
            let expected = abs(offset) <= 1 ? offset : nil
            XCTAssertEqual(try totp.matchOffset(code: code, at: now, window: 1), expected, "offset \(offset)")
            XCTAssertEqual(try totp.matchOffset(code: code, at: now, window: 3), offset, "offset \(offset), window 3")
        }
        let current = try totp.code(at: now)
        XCTAssertEqual(try totp.matchOffset(code: current, at: now, window: 0), 0)
        XCTAssertEqual(try totp.matchOffset(code: current, at: now, window: -4), 0, "negative window counts as 0")
        XCTAssertNil(try totp.matchOffset(code: try totp.code(atStep: step + 1), at: now, window: 0))
    }

    func testMatchOffsetPrefersTheSmallestOffset() throws {
        // With the RFC key, steps 153567 and 153569 share the code 468457
        // (found with Python's hmac), so one code matches at two offsets.
        let (key, _) = try rfcKey()
        let totp = TOTP(secret: key)
        let step: Int64 = 153_567
        XCTAssertEqual(try totp.code(atStep: step), "468457")
        XCTAssertEqual(try totp.code(atStep: step + 2), "468457")
        XCTAssertEqual(try totp.matchOffset(code: "468457", at: (step + 1) * 30, window: 1), -1, "earlier step wins a tie")
        XCTAssertEqual(try totp.matchOffset(code: "468457", at: step * 30 + 29, window: 2), 0, "0 beats +2")
        XCTAssertEqual(try totp.matchOffset(code: "468457", at: (step + 2) * 30, window: 2), 0, "0 beats -2")
    }

    func testMalformedCodesNeverMatch() throws {
        let (key, _) = try rfcKey()
        let totp = TOTP(secret: key)
        let code = try totp.code(at: 59)
        XCTAssertNil(try totp.matchOffset(code: code + " ", at: 59, window: 1))
        XCTAssertNil(try totp.matchOffset(code: " " + code, at: 59, window: 1))
        XCTAssertNil(try totp.matchOffset(code: "", at: 59, window: 1))
        XCTAssertNil(try totp.matchOffset(code: "٠٠٠٠٠٠", at: 59, window: 1))
    }

    func testPlainSecretConvenience() throws {
        let secret = try XCTUnwrap(PlainSecret(base32: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")) // "12345678901234567890"
        XCTAssertEqual(try TOTP(secret: secret).code(at: 59), "287082")
    }
}
