import XCTest
import Foundation
import TCQRCode
import TestSupport

/// QR codes from libqrencode, read back by an independent decoder (zbarimg): the PNG file
/// and the terminal's half blocks, with their quiet zone.
final class QRCodeTests: XCTestCase {
    static let uri = "otpauth://totp/j%C3%BCrgen%20o%27brien?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=TeamCal%20Neo&period=30&algorithm=SHA1&digits=6"

    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "tcadmin-qr-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testTheSymbolHasAVersionSizeAndFinderPatterns() throws {
        let code = try QRCode(encoding: Self.uri)
        XCTAssertEqual((code.size - 17) % 4, 0, "21, 25, ... modules: \(code.size)")
        XCTAssertGreaterThan(code.size, 21, "more than version 1 holds")
        // The three finder patterns: a dark 7×7 ring with a dark 3×3 centre.
        for (ox, oy) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            for i in 0..<7 {
                XCTAssertTrue(code.isDark(x: ox + i, y: oy) && code.isDark(x: ox + i, y: oy + 6))
                XCTAssertTrue(code.isDark(x: ox, y: oy + i) && code.isDark(x: ox + 6, y: oy + i))
            }
            XCTAssertFalse(code.isDark(x: ox + 1, y: oy + 1))
            XCTAssertTrue(code.isDark(x: ox + 3, y: oy + 3))
        }
        XCTAssertFalse(code.isDark(x: -1, y: 0), "outside the symbol is light")
        XCTAssertFalse(code.isDark(x: code.size, y: code.size))
    }

    func testThePNGDecodesToTheTextAndIsPrivate() throws {
        let path = dir + "/code.png"
        let old = umask(0)   // a careless umask must not make the file readable by others
        defer { umask(old) }
        try QRCode(encoding: Self.uri).writePNG(to: path)
        XCTAssertEqual(try ZBar.decode(path), [Self.uri])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let header = try XCTUnwrap(FileManager.default.contents(atPath: path)).prefix(8)
        XCTAssertEqual(Array(header), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG signature")
    }

    func testAnExistingFileOrLinkIsNeverReplaced() throws {
        let path = dir + "/code.png"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try QRCode(encoding: "x").writePNG(to: path)) { error in
            XCTAssertEqual(error as? QRCodeError, .fileExists(path: path))
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data("keep".utf8))

        let target = dir + "/target"
        let link = dir + "/link.png"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        XCTAssertThrowsError(try QRCode(encoding: "x").writePNG(to: link)) { error in
            XCTAssertEqual(error as? QRCodeError, .fileExists(path: link))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "a dangling link is not followed")

        let missing = dir + "/no/such/folder/code.png"
        XCTAssertThrowsError(try QRCode(encoding: "x").writePNG(to: missing)) { error in
            XCTAssertEqual(error as? QRCodeError, .cannotWrite(path: missing, reason: "No such file or directory"))
        }
    }

    func testTheTerminalTextScansWithItsQuietZone() throws {
        let code = try QRCode(encoding: Self.uri)
        for colors in [true, false] {
            let text = code.terminalText(quietZone: 4, colors: colors)
            let lines = text.split(separator: "\n")
            XCTAssertEqual(lines.count, (code.size + 8 + 1) / 2, "two module rows per line")
            let bitmap = HalfBlockText.bitmap(text)
            XCTAssertEqual(bitmap.first?.count, code.size + 8, "4 light modules either side")
            XCTAssertTrue(bitmap.prefix(4).allSatisfy { !$0.contains(true) }, "4 light rows above")
            XCTAssertTrue(bitmap.suffix(5).allSatisfy { !$0.contains(true) }, "4 light rows below, and the half line")
            for y in 0..<code.size {
                for x in 0..<code.size { XCTAssertEqual(bitmap[y + 4][x + 4], code.isDark(x: x, y: y)) }
            }
            XCTAssertEqual(try ZBar.decode(bitmap: bitmap), [Self.uri], "colors: \(colors)")
            if colors {
                XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("\u{1B}[30;107m") && $0.hasSuffix("\u{1B}[0m") },
                              "black on bright white, reset on every line")
            } else {
                XCTAssertFalse(text.contains("\u{1B}"))
            }
        }
    }

    func testTextTooLongForAnyVersionIsAnError() {
        XCTAssertThrowsError(try QRCode(encoding: String(repeating: "x", count: 4000))) { error in
            XCTAssertEqual(error as? QRCodeError, .cannotEncode("the text is too long for a QR code"))
        }
        XCTAssertThrowsError(try QRCode(encoding: "a\u{0}b")) { error in
            XCTAssertEqual(error as? QRCodeError, .cannotEncode("the text holds a NUL byte"))
        }
    }
}
