import TCCrypto
import XCTest

final class SystemRandomTests: XCTestCase {
    func testBytesHaveTheRequestedCountAndDiffer() throws {
        let a = try SystemRandom.bytes(32)
        let b = try SystemRandom.bytes(32)
        XCTAssertEqual(a.count, 32)
        XCTAssertFalse(ConstantTime.equals(a, b))
        XCTAssertEqual(try SystemRandom.bytes(0).count, 0)
    }

    func testNegativeCountIsRejected() {
        XCTAssertThrowsError(try SystemRandom.bytes(-1)) {
            XCTAssertEqual($0 as? CryptoError, .invalidSize(operation: "RAND_bytes", size: -1))
        }
    }

    func testGeneratedSecretsAre32Base32CharactersLikeTheApps() throws {
        var seen = Set<String>()
        var letters = Set<Character>()
        for _ in 0..<200 {
            let secret = try SystemRandom.generateSecret()
            XCTAssertEqual(secret.length, 32)
            XCTAssertTrue(Base32.isValidSecret(secret.base32))
            XCTAssertEqual(secret.keyBytes().count, 20) // 160 bits
            seen.insert(secret.base32)
            letters.formUnion(secret.base32)
        }
        XCTAssertEqual(seen.count, 200)
        XCTAssertEqual(letters.count, 32, "6400 draws should use the whole alphabet")
    }
}
