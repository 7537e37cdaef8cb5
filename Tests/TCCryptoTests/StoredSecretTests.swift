@testable import TCCrypto
import XCTest

final class StoredSecretTests: XCTestCase {
    private let key = InstallationKey("5e091d9b9cbf36.90197318")
    // The first bundled vector (from ../shared/vectors/teamcal-default-key.json).
    private let secretText = "2M2DTYOK5DFQMNYZPHTZCZ5MZIQGV6X6"
    private let v2Value = "v2:RiWPYM39OkWG3sCC0K5crgcjgxu77aL6fwrSEZR28RvvRqsuYLeysnJtqEju8gY3Y7pMqG1VuCO7uFgh00AfDQ=="
    private let legacyValue = "XraUVNCHqwUiKRo/hF5VqL/GjqaKGrBcXHyhDC+llqL0xur4lfCaxfIYQqL4LxCx"

    private func reason(_ classification: SecretClassification) -> UndecryptableReason? {
        if case let .undecryptable(_, reason) = classification { return reason }
        return nil
    }

    func testPHPFalsyValuesAreNotEnrolled() throws {
        let codec = try SecretCodec(key: key)
        for stored in ["", "0"] {
            guard case .notEnrolled = try codec.classify(stored) else { return XCTFail("\(stored.debugDescription)") }
            XCTAssertFalse(StoredSecret.isEnrolled(stored))
            XCTAssertNil(StoredSecret.format(of: stored))
        }
        // PHP-truthy, so enrolled (and undecryptable).
        for stored in ["00", " ", "0.0", "false", "v2:"] {
            XCTAssertTrue(StoredSecret.isEnrolled(stored), stored.debugDescription)
            XCTAssertNotNil(reason(try codec.classify(stored)), stored.debugDescription)
        }
    }

    func testFormatDetectionIsByTheExactPrefix() {
        XCTAssertEqual(StoredSecret.format(of: v2Value), .v2)
        XCTAssertEqual(StoredSecret.format(of: legacyValue), .legacyECB)
        XCTAssertEqual(StoredSecret.format(of: "V2:abc"), .legacyECB)
        XCTAssertEqual(StoredSecret.format(of: " v2:abc"), .legacyECB)
    }

    func testStaticFunctionsMatchTheCodec() throws {
        let expected = try XCTUnwrap(PlainSecret(base32: secretText))
        XCTAssertTrue(try StoredSecret.classify(v2Value, key: key).secret == expected)
        XCTAssertTrue(try StoredSecret.classify(legacyValue, key: key).secret == expected)
        XCTAssertTrue(try StoredSecret.classify(StoredSecret.encryptV2(expected, key: key), key: key).secret == expected)
        XCTAssertEqual(try StoredSecret.encryptLegacy(expected, key: key), legacyValue)
    }

    func testEncryptV2UsesAFreshIV() throws {
        let codec = try SecretCodec(key: key)
        let secret = try XCTUnwrap(PlainSecret(base32: secretText))
        let values = try (0..<20).map { _ in try codec.encryptV2(secret) }
        XCTAssertEqual(Set(values).count, 20)
        XCTAssertEqual(Set(values.map { $0.dropFirst(3).prefix(22) }).count, 20, "IVs differ")
    }

    func testValueFromAnotherKeyIsUndecryptable() throws {
        let other = try SecretCodec(key: InstallationKey("another-installation"))
        let codec = try SecretCodec(key: key)
        var counts: [UndecryptableReason: Int] = [:]
        for _ in 0..<200 {
            let secret = try SystemRandom.generateSecret()
            for stored in [try other.encryptV2(secret), try other.encryptLegacy(secret)] {
                let verdict = try XCTUnwrap(reason(try codec.classify(stored)), "decrypted under the wrong key")
                XCTAssertTrue([.badPadding, .notBase32].contains(verdict), "\(verdict)")
                counts[verdict, default: 0] += 1
            }
        }
        XCTAssertGreaterThan(counts[.badPadding, default: 0], 300, "most wrong-key values fail the padding check")
        // And the vectors under the wrong key:
        for stored in [v2Value, legacyValue] {
            XCTAssertTrue([.badPadding, .notBase32].contains(try XCTUnwrap(reason(try other.classify(stored)))))
        }
    }

    func testDecryptedPlaintextThatIsNotBase32() throws {
        let codec = try SecretCodec(key: key)
        for text in ["2m2dtyok5dfqmnyzphtzcz5mziqgv6x6", "", "SECRET WITH SPACE", "ÄÖÜ", "AB=CD"] {
            let bogus = PlainSecret(validated: SecureBytes(Array(text.utf8)))
            for stored in [try codec.encryptV2(bogus), try codec.encryptLegacy(bogus)] {
                XCTAssertEqual(reason(try codec.classify(stored)), .notBase32, text)
            }
        }
    }

    func testBadLengths() throws {
        let codec = try SecretCodec(key: key)
        let sixteen = "AAAAAAAAAAAAAAAAAAAAAA==" // 16 bytes
        let twenty = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" // 20 bytes
        XCTAssertEqual(reason(try codec.classify("v2:")), .badLength)
        XCTAssertEqual(reason(try codec.classify("v2:" + sixteen)), .badLength, "IV but no ciphertext")
        XCTAssertEqual(reason(try codec.classify("v2:" + twenty)), .badLength)
        XCTAssertEqual(reason(try codec.classify(twenty)), .badLength)
        XCTAssertEqual(reason(try codec.classify(" ")), .badLength, "whitespace only: no data")
        XCTAssertEqual(reason(try codec.classify(String(legacyValue.dropLast(4)))), .badLength)
    }

    func testBadPadding() throws {
        let codec = try SecretCodec(key: key)
        var tampered = Array(legacyValue.utf8)
        tampered[tampered.count - 5] = tampered[tampered.count - 5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        XCTAssertEqual(reason(try codec.classify(String(decoding: tampered, as: UTF8.self))), .badPadding)
        XCTAssertEqual(reason(try codec.classify("v2:" + String(repeating: "A", count: 64))), .badPadding)
    }

    func testBase64IsReadLikePHPDoes() throws {
        let codec = try SecretCodec(key: key)
        let expected = try XCTUnwrap(PlainSecret(base32: secretText))
        // PHP's non-strict base64_decode skips junk and line breaks and ignores
        // '=' anywhere, so the app reads these: so must we.
        let payload = String(v2Value.dropFirst(3))
        let legacy = legacyValue
        let sloppyValues: [String] = [
            "v2:" + String(payload.dropLast(2)),
            "v2:\n" + payload + "\n",
            "v2:" + String(payload.prefix(10)) + "!*" + String(payload.dropFirst(10)),
            String(legacy.prefix(8)) + "=" + String(legacy.dropFirst(8)),
            legacy + "\r\n",
            "*" + legacy,
            legacy + "A", // a lone trailing character is dropped
        ]
        for sloppy in sloppyValues {
            XCTAssertTrue(try codec.classify(sloppy).secret == expected, sloppy)
        }
        // Junk that also breaks decryption is blamed on the base64.
        XCTAssertEqual(reason(try codec.classify("v2:not base64 at all!")), .badBase64)
        XCTAssertEqual(reason(try codec.classify("!!!!")), .badBase64)
        XCTAssertEqual(reason(try codec.classify(String(repeating: "QUJD", count: 16))), .badPadding, "clean base64, not a ciphertext")
        XCTAssertEqual(reason(try codec.classify(String(repeating: "QUJD", count: 15) + "!")), .badBase64)
    }

    func testPHPBase64StrictnessMatchesPHP() {
        func strict(_ text: String) -> Bool {
            var text = text
            return text.withUTF8 { PHPBase64.decode(UnsafeRawBufferPointer($0)).strictlyValid }
        }
        // Accepted by base64_decode($s, true):
        for ok in ["", "QQ==", "QQ", "QUI=", "QUI", "QUJD", " Q U J D ", "QUJD\n", "QQ==\n"] { XCTAssertTrue(strict(ok), ok) }
        // Refused by it:
        for bad in ["Q", "QQ=", "QQ===", "Q===", "QQ==QQ==", "QUJD!", "QU-D", "QUI==", "="] { XCTAssertFalse(strict(bad), bad) }
    }

    func testGarbageNeverCrashesOrThrows() throws {
        let codec = try SecretCodec(key: key)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=v2: \n\0é".unicodeScalars)
        for round in 0..<20_000 {
            let length = Int.random(in: 0...120, using: &generator)
            let text: String
            switch round % 3 {
            case 0:
                text = String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
            case 1:
                text = String(decoding: (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }, as: UTF8.self)
            default:
                let body = (0..<(length / 16 + 1) * 16).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let encoded = Data(body).base64EncodedString()
                text = round % 2 == 0 ? "v2:" + encoded : encoded
            }
            let classification = try codec.classify(round % 5 == 0 ? "v2:" + text : text)
            if case .decrypted = classification { XCTFail("random input decrypted") }
            _ = "\(classification)"
            if round % 1_000 == 0 {
                // A failed call must leave the reused contexts ready for the next value.
                XCTAssertTrue(try codec.classify(v2Value).secret == PlainSecret(base32: secretText))
                XCTAssertTrue(try codec.classify(legacyValue).secret == PlainSecret(base32: secretText))
            }
        }
        XCTAssertEqual(reason(try codec.classify(String(repeating: "A", count: 1 << 20))), .badPadding, "1 MiB value")
    }
}
