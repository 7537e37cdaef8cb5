import XCTest
import Foundation
import TestSupport
@testable import TeamCal

/// Files with secrets: 0600 whatever the umask, never over an existing file unless asked,
/// nothing left behind on failure, a full disk reported as such.
final class SecretFileTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "tcadmin-secretfile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & 0o7777
    }

    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    func withUmask<T>(_ mask: mode_t, _ body: () throws -> T) rethrows -> T {
        let old = umask(mask)
        defer { umask(old) }
        return try body()
    }

    func testModeIs0600WhateverTheUmask() throws {
        for mask: mode_t in [0o000, 0o022, 0o777] {
            let path = folder + "/backup-\(mask).tcbak"
            try withUmask(mask) { try SecretFile.write(path: path, contents: Array("secret material\n".utf8)) }
            XCTAssertEqual(mode(path), 0o600, "umask \(String(mask, radix: 8))")
            XCTAssertEqual(FileManager.default.contents(atPath: path), Data("secret material\n".utf8))
        }
        XCTAssertEqual(try entries(), ["backup-0.tcbak", "backup-18.tcbak", "backup-511.tcbak"], "no temporary files left")
    }

    func testAnExistingFileIsNeverReplacedUnlessAsked() throws {
        let path = folder + "/journal"
        try "earlier run\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        XCTAssertThrowsError(try SecretFile.write(path: path, contents: Array("new".utf8))) { error in
            let failure = error as! SecretFile.Failure
            XCTAssertEqual(failure.kind, .exists)
            XCTAssertTrue(failure.message.contains("already exists"), failure.message)
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "earlier run\n")
        // A symbolic link counts as existing and is not followed.
        let target = folder + "/elsewhere"
        let link = folder + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        XCTAssertThrowsError(try SecretFile.write(path: link, contents: Array("x".utf8)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        // Asked to: replaced whole, and 0600 although the old file was 0644.
        try withUmask(0) { try SecretFile.write(path: path, contents: Array("new".utf8), overwrite: true) }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new")
        XCTAssertEqual(mode(path), 0o600)
        XCTAssertEqual(try entries(), ["journal", "link"])
    }

    func testMissingOrUnwritableFolderIsOneClearFailure() throws {
        XCTAssertThrowsError(try SecretFile.write(path: folder + "/no/such/dir/file", contents: [1])) { error in
            let failure = error as! SecretFile.Failure
            XCTAssertEqual(failure.kind, .other)
            XCTAssertTrue(failure.message.hasPrefix("cannot write \(self.folder!)/no/such/dir/file: creating a file in"), failure.message)
        }
        XCTAssertThrowsError(try SecretFile.write(path: "/proc/tcadmin-test", contents: [1])) { error in
            XCTAssertNotEqual((error as! SecretFile.Failure).kind, .noSpace)
        }
    }

    func testFailedWriteIsReportedAsDiskFull() throws {
        // /dev/full fails every write with ENOSPC, as a full disk does.
        let fd = open("/dev/full", O_WRONLY)
        guard fd >= 0 else { throw XCTSkip("/dev/full is not available here") }
        defer { close(fd) }
        let error = SecretFile.writeAll(fd, Array(repeating: 0x41, count: 4096))
        XCTAssertEqual(error, ENOSPC)
        XCTAssertEqual(SecretFile.kind(of: error), .noSpace)
        XCTAssertEqual(SecretFile.kind(of: EDQUOT), .noSpace)
        XCTAssertEqual(SecretFile.kind(of: EROFS), .notPermitted)
    }

    /// A real full file system: a 16 KiB tmpfs (needs root to mount; skipped otherwise).
    func testFullFileSystemLeavesNothingBehind() throws {
        let mountPoint = folder + "/tiny"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let mount = try Shell.run(["mount", "-t", "tmpfs", "-o", "size=16k,mode=0700", "tcadmin-test", mountPoint])
        guard mount.status == 0 else { throw XCTSkip("cannot mount a small tmpfs here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines))): full-disk test skipped; the /dev/full test still runs") }
        defer { _ = try? Shell.run(["umount", mountPoint]) }
        let path = mountPoint + "/backup.tcbak"
        XCTAssertThrowsError(try SecretFile.write(path: path, contents: Array(repeating: 0x42, count: 64 * 1024))) { error in
            let failure = error as! SecretFile.Failure
            XCTAssertEqual(failure.kind, .noSpace, failure.message)
            XCTAssertEqual(failure.errno, ENOSPC)
            XCTAssertTrue(failure.message.contains("the disk is full"), failure.message)
            XCTAssertTrue(failure.message.contains("nothing was written"), failure.message)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint), [], "no partial file, no temporary file")
        // A small file still fits: the failure was the size, not the place.
        try SecretFile.write(path: path, contents: Array(repeating: 0x42, count: 1024))
        XCTAssertEqual(mode(path), 0o600)
    }

    func testPrivateDirectoryIs0700WhateverTheUmask() throws {
        let state = folder + "/state/tcadmin"
        try withUmask(0) { try SecretFile.makePrivateDirectory(state) }
        XCTAssertEqual(mode(state), 0o700)
        XCTAssertEqual(mode(folder + "/state"), 0o700)
        chmod(state, 0o755)
        try SecretFile.makePrivateDirectory(state)
        XCTAssertEqual(mode(state), 0o700, "an existing folder of ours is narrowed")
        try "x".write(toFile: folder + "/plain", atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try SecretFile.makePrivateDirectory(folder + "/plain"))
    }
}
