import XCTest
import Foundation
@testable import TeamCal
import TCCrypto
import TestSupport

/// The reset backup file: exact values, self-verifying, written atomically with mode 0600.
final class SecretBackupTests: XCTestCase {
    let sample = SecretBackup(created: "2026-12-03T10:00:00Z", database: "team\ncal\\x", prefix: "tcneo_", entries: [
        .init(rowID: 17, user: "MixedCase", storedUsername: "mixedcase", value: Array("v2:abc+/==".utf8)),
        .init(rowID: 9, user: "o'brien", storedUsername: "o'brien", value: [0x00, 0x0A, 0x20, 0xFF, 0xC3]),
        .init(rowID: 3, user: "müller", storedUsername: "MÜLLER ", value: []),
    ])

    func testRoundTripKeepsEveryByte() throws {
        let bytes = sample.encoded()
        XCTAssertEqual(try SecretBackup.decode(bytes), sample)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("tcadmin-secret-backup: 1\ncreated: 2026-12-03T10:00:00Z\ndatabase: team\\ncal\\\\x\nprefix: tcneo_\nrows: 3\n"), text)
        XCTAssertFalse(text.contains("v2:abc"), "values are encoded, not shown")
        XCTAssertEqual(try SecretBackup.decode(SecretBackup(database: "d", prefix: "p", entries: []).encoded()).entries, [])
    }

    func testTruncatedOrAlteredFilesAreRefused() throws {
        let bytes = sample.encoded()
        for cut in 0..<bytes.count {
            XCTAssertThrowsError(try SecretBackup.decode(Array(bytes[0..<cut])), "cut at \(cut)")
        }
        for i in stride(from: 0, to: bytes.count - 1, by: 7) where bytes[i] != 0x0A {
            var altered = bytes
            altered[i] = altered[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            XCTAssertThrowsError(try SecretBackup.decode(altered), "byte \(i) changed")
        }
        func message(_ b: [UInt8]) -> String? {
            do { _ = try SecretBackup.decode(b); return nil } catch { return error.message }
        }
        XCTAssertEqual(message(Array(bytes.dropLast(10))), "the backup file is truncated (it does not end with its checksum line)")
        let lastRow = bytes.lastIndex(of: UInt8(ascii: "r"))!
        XCTAssertEqual(message(Array(bytes[0..<lastRow]) + Array("sha256: 00\n".utf8)),
                       "the backup file's checksum does not match its contents: it was altered or damaged")
        XCTAssertEqual(message(Array("hello\n".utf8)), "this is not a tcadmin secret backup file")
        // A consistent checksum over a file that lost a row is still refused by the count.
        var text = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        text.removeLast()
        text.removeLast()
        var body = Array((text.joined(separator: "\n") + "\n").utf8)
        body += Array("sha256: \(Digest.sha256Hex(body))\n".utf8)
        XCTAssertEqual(message(body), "the backup file says it holds 3 rows but holds 2")
    }

    func testWrittenPrivatelyAtomicallyAndNeverOverwritten() throws {
        let dir = NSTemporaryDirectory() + "tcbak-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/reset.tcbak"
        let old = umask(0)
        defer { umask(old) }
        try sample.write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try SecretBackup.read(from: path), sample)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["reset.tcbak"], "no temporary file left")

        XCTAssertThrowsError(try sample.write(to: path)) { error in
            let failure = error as! SecretBackup.Failure
            XCTAssertTrue(failure.isWriteFailure)
            XCTAssertTrue(failure.message.hasSuffix("already exists — give another --backup FILE (existing backups are never overwritten)"), failure.message)
        }
        XCTAssertThrowsError(try sample.write(to: path + "/below-a-file.tcbak")) { error in
            XCTAssertTrue((error as! SecretBackup.Failure).isWriteFailure)
        }
        XCTAssertThrowsError(try SecretBackup.read(from: dir + "/missing.tcbak")) { error in
            XCTAssertFalse((error as! SecretBackup.Failure).isWriteFailure)
        }
    }
}
