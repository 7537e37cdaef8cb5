@testable import TCCrypto
import XCTest

/// Nothing in the crypto layer may print a key or a secret, whichever way a
/// caller turns it into text.
final class RedactionTests: XCTestCase {
    private let secretText = "2M2DTYOK5DFQMNYZPHTZCZ5MZIQGV6X6"
    private let keyText = "5e091d9b9cbf36.90197318"

    private func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped,
                String(describing: Mirror(reflecting: value).children.map { "\($0.label ?? ""): \($0.value)" })]
    }

    private func assertRedacted(_ value: Any, _ forbidden: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in renderings(value) {
            for needle in forbidden {
                XCTAssertFalse(text.contains(needle), "\(type(of: value)) printed \(needle.prefix(4))…", file: file, line: line)
            }
        }
    }

    func testPlainSecretIsRedacted() throws {
        let secret = try XCTUnwrap(PlainSecret(base32: secretText))
        assertRedacted(secret, [secretText, "2M2D"])
        XCTAssertEqual("\(secret)", "PlainSecret(<redacted>)")
        assertRedacted(secret.keyBytes(), [secretText])
        assertRedacted(Optional(secret) as Any, [secretText, "2M2D"])
        assertRedacted([secret], [secretText, "2M2D"])
    }

    func testInstallationKeyIsRedacted() {
        let key = InstallationKey(keyText)
        assertRedacted(key, [keyText, "5e09"])
        XCTAssertEqual("\(key)", "InstallationKey(<redacted>)")
    }

    func testClassificationIsRedacted() throws {
        let key = InstallationKey(keyText)
        let secret = try XCTUnwrap(PlainSecret(base32: secretText))
        let classification = try StoredSecret.classify(StoredSecret.encryptV2(secret, key: key), key: key)
        XCTAssertEqual("\(classification)", "decrypted(v2, <redacted>)")
        assertRedacted(classification, [secretText, "2M2D"])
    }

    func testCodecIsRedacted() throws {
        let codec = try SecretCodec(key: InstallationKey(keyText))
        assertRedacted(codec, [keyText, "5e09"])
    }
}
