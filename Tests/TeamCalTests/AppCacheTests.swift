import XCTest
import Foundation
@testable import TeamCal

/// `AppCache`: only regular `*.cache` files directly in the folder are deleted.
final class AppCacheTests: XCTestCase {
    var dir = ""
    var outside = ""

    override func setUpWithError() throws {
        let root = NSTemporaryDirectory() + "tcadmin-cache-" + UUID().uuidString
        dir = root + "/cache"
        outside = root + "/outside.cache"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/sub.cache", withIntermediateDirectories: true)
        for name in ["b8c1e7a.cache", "other.cache", "keep.txt", "cache", ".cache", "sub.cache/nested.cache"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        try Data("not the app's".utf8).write(to: URL(fileURLWithPath: outside))
        try fm.createSymbolicLink(atPath: dir + "/link.cache", withDestinationPath: outside)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent)
    }

    func testDeletesOnlyRegularCacheFilesInTheFolder() throws {
        XCTAssertEqual(try AppCache.files(in: dir), [dir + "/b8c1e7a.cache", dir + "/other.cache"])
        let dry = AppCache.clear(dir, dryRun: true)
        XCTAssertEqual(dry.removed.count, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/other.cache"), "a dry run deletes nothing")

        let result = AppCache.clear(dir)
        XCTAssertEqual(result.removed, [dir + "/b8c1e7a.cache", dir + "/other.cache"])
        XCTAssertEqual(result.failed, [])
        XCTAssertFalse(result.folderMissing)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(left, [".cache", "cache", "keep.txt", "link.cache", "sub.cache"])
        XCTAssertEqual(try String(contentsOfFile: outside, encoding: .utf8), "not the app's", "a link is not followed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/sub.cache/nested.cache"), "nothing below the folder")
        XCTAssertEqual(AppCache.clear(dir).removed, [], "nothing left to delete")
    }

    func testMissingFolderAndNotAFolder() throws {
        XCTAssertTrue(AppCache.clear(dir + "/nope").folderMissing)
        XCTAssertNil(try AppCache.files(in: dir + "/nope"))
        let result = AppCache.clear(dir + "/keep.txt")
        XCTAssertEqual(result.failed.first?.reason, "it is not a folder")
    }
}
