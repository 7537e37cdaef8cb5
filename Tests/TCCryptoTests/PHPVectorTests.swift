import TCCrypto
import XCTest

/// Values made by PHP's openssl extension and the app's TOTP library: the
/// copies kept in this target, then every file in `../shared/vectors`.
final class PHPVectorTests: XCTestCase {
    func testBundledVectors() throws {
        let files = try Vectors.bundledPHP()
        XCTAssertEqual(files.count, 2)
        for file in files { try check(file, name: "bundled \(file.appKey.count)-byte key") }
    }

    func testSharedVectors() throws {
        let files = try Vectors.sharedPHP()
        for (name, file) in files { try check(file, name: name) }
    }

    private func check(_ file: PHPVectorFile, name: String) throws {
        let key = InstallationKey(file.appKey)
        let codec = try SecretCodec(key: key)
        XCTAssertFalse(file.secrets.isEmpty, name)
        for (index, entry) in file.secrets.enumerated() {
            let label = "\(name) #\(index)"
            let expected = try XCTUnwrap(PlainSecret(base32: entry.secret), label)

            for (stored, format) in [(entry.v2, SecretFormat.v2), (entry.legacy, .legacyECB)] {
                let classification = try codec.classify(stored)
                XCTAssertEqual(classification.format, format, label)
                XCTAssertTrue(classification.secret == expected, "\(label) \(format) decrypts to the secret")
            }

            // ECB is deterministic: ours must be byte-identical to PHP's.
            XCTAssertEqual(try codec.encryptLegacy(expected), entry.legacy, label)

            let ours = try codec.encryptV2(expected)
            XCTAssertTrue(ours.hasPrefix("v2:"), label)
            let payload = try XCTUnwrap(Data(base64Encoded: String(ours.dropFirst(3))), label)
            XCTAssertEqual(payload.count, 16 + (entry.secret.utf8.count / 16 + 1) * 16, label)
            XCTAssertTrue(try codec.classify(ours).secret == expected, "\(label) our v2 decrypts back")

            let totp = TOTP(secret: expected)
            XCTAssertFalse(entry.totp.isEmpty, label)
            for (time, code) in entry.totp {
                let unixTime = try XCTUnwrap(Int64(time), label)
                XCTAssertEqual(try totp.code(at: unixTime), code, "\(label) at \(time)")
                XCTAssertEqual(try totp.matchOffset(code: code, at: unixTime + 30, window: 1), -1, "\(label) at \(time)")
            }
        }
    }
}
