import XCTest
import Foundation
import TCCrypto
import TestSupport

final class DigestTests: XCTestCase {
    func testSHA256Vectors() throws {
        XCTAssertEqual(Digest.sha256Hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Digest.sha256Hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Digest.sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Lengths around the padding boundary, against the system's sha256sum.
        for length in [55, 56, 63, 64, 65, 1000] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let file = NSTemporaryDirectory() + "tcsha-\(UUID().uuidString)"
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let expected = try Shell.run(["sha256sum", file]).stdout.prefix(64)
            XCTAssertEqual(Digest.sha256Hex(bytes), String(expected), "length \(length)")
        }
    }
}
