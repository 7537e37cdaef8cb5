import TCCrypto
import XCTest

final class InstallationKeyTests: XCTestCase {
    private func hex(_ bytes: SecureBytes) -> String {
        bytes.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }

    func testV2KeyIsRawSHA256OfTheKey() throws {
        let key = InstallationKey("5e091d9b9cbf36.90197318")
        // sha256 of the public release's key, from Python's hashlib.
        XCTAssertEqual(hex(try key.v2Key()), "f680f603965e3d05405371c808f15b8b148b5ccde2aae4e81ac3ec224830d5fd")
    }

    func testLegacyKeyIsTruncatedOrNULPaddedTo16Bytes() {
        XCTAssertEqual(InstallationKey("5e091d9b9cbf36.90197318").legacyKey().withUnsafeBytes { Array($0) },
                       Array("5e091d9b9cbf36.9".utf8))
        XCTAssertEqual(InstallationKey("short").legacyKey().withUnsafeBytes { Array($0) },
                       Array("short".utf8) + [UInt8](repeating: 0, count: 11))
        XCTAssertEqual(InstallationKey("").legacyKey().withUnsafeBytes { Array($0) }, [UInt8](repeating: 0, count: 16))
    }

    func testKeyBytesAreTheUTF8OfTheString() throws {
        let fromString = InstallationKey("schlüssel")
        let fromBytes = InstallationKey(bytes: SecureBytes(Array("schlüssel".utf8)))
        XCTAssertEqual(hex(try fromString.v2Key()), hex(try fromBytes.v2Key()))
    }
}
