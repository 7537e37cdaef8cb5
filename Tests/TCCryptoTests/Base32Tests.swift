@testable import TCCrypto
import XCTest

final class Base32Tests: XCTestCase {
    func testRFC4648Section10() throws {
        let vectors = try Vectors.rfc().base32
        XCTAssertEqual(vectors.count, 7)
        for pair in vectors {
            let (plain, encoded) = (Array(pair[0].utf8), pair[1])
            let unpadded = String(encoded.prefix { $0 != "=" })
            XCTAssertEqual(Base32.encode(plain), unpadded, "encode \(pair[0])")
            XCTAssertEqual(Base32.decode(encoded), plain, "decode \(encoded)")
            XCTAssertEqual(Base32.decode(unpadded), plain, "decode \(unpadded)")
            XCTAssertEqual(Base32.decode(encoded.lowercased()), plain, "decode lower-case \(encoded)")
        }
    }

    func testDecodeRejectsCharactersOutsideTheAlphabet() {
        for bad in ["MZXW6YT!", "MZXW 6YTB", "MZXW6YT1", "MZXW6YT8", "MZ=XW6YTB", "MZXW6YTB\n", "MZXW6YTÄ", "0"] {
            XCTAssertNil(Base32.decode(bad), bad)
        }
    }

    func testDecodeDropsLeftoverBitsLikeTheAppsLibrary() {
        XCTAssertEqual(Base32.decode("AB"), [0])
        XCTAssertEqual(Base32.decode("A"), [])
        XCTAssertEqual(Base32.decode("MZXW6YQ"), Array("foob".utf8))
        XCTAssertEqual(Base32.decode("MZXW6YQ======="), Array("foob".utf8), "any amount of padding")
        XCTAssertEqual(Base32.decode(""), [])
    }

    func testRoundTripOfRandomBytes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(Base32.decode(Base32.encode(bytes)), bytes)
        }
    }

    func testIsValidSecretIsWhatTheAppAccepts() {
        for good in ["2M2DTYOK5DFQMNYZPHTZCZ5MZIQGV6X6", "2JPL6QB7GLKTB2FG", "MY======", "A", "MZXW6YQ="] {
            XCTAssertTrue(Base32.isValidSecret(good), good)
        }
        // Lower case: the app's library throws "Invalid base32 string".
        for bad in ["", "=", "======", "2jpl6qb7glktb2fg", "2JPL 6QB7", "2JPL=6QB7", "2JPL6QB1", "2JPL6QB7\0", "ÄÖÜ"] {
            XCTAssertFalse(Base32.isValidSecret(bad), bad.debugDescription)
        }
    }
}
