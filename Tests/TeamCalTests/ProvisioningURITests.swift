import XCTest
import TCCrypto
import TeamCal

/// The otpauth URI as the app's library builds it; expected values made by PHP's own
/// `rawurlencode` (php -r 'echo rawurlencode(...);').
final class ProvisioningURITests: XCTestCase {
    func testRawurlencodeMatchesPHP() {
        let php: [(String, String)] = [
            ("jdoe", "jdoe"),
            ("j doe", "j%20doe"),
            ("jdoe@example.org", "jdoe%40example.org"),
            ("müller", "m%C3%BCller"),
            ("a/b", "a%2Fb"),
            ("100%", "100%25"),
            ("o'brien", "o%27brien"),
            ("~a.b-c_d+e", "~a.b-c_d%2Be"),
            ("山田", "%E5%B1%B1%E7%94%B0"),
            ("x?y&z=#", "x%3Fy%26z%3D%23"),
            ("", ""),
        ]
        for (text, encoded) in php { XCTAssertEqual(ProvisioningURI.rawurlencode(text), encoded, text) }
    }

    func testTheURIHasTheLibrarysExactShape() throws {
        let secret = try XCTUnwrap(PlainSecret(base32: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))
        XCTAssertEqual(ProvisioningURI.make(username: "jdoe", secret: secret),
                       "otpauth://totp/jdoe?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=TeamCal%20Neo&period=30&algorithm=SHA1&digits=6")
        XCTAssertEqual(ProvisioningURI.make(username: "Jürgen Müller/IT@hq 100%", secret: secret),
                       "otpauth://totp/J%C3%BCrgen%20M%C3%BCller%2FIT%40hq%20100%25?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=TeamCal%20Neo&period=30&algorithm=SHA1&digits=6")
        XCTAssertEqual(ProvisioningURI.make(username: "a:b", secret: secret, issuer: "Big Corp?"),
                       "otpauth://totp/a%3Ab?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Big%20Corp%3F&period=30&algorithm=SHA1&digits=6")
    }
}
