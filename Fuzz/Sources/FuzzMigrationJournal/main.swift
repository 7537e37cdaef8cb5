import Foundation
import TeamCal

/// Any file content is read as a journal or refused with a JournalError; never a crash.
/// A torn tail is only ever the bytes after the last good line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = NSTemporaryDirectory() + "tcadmin-fuzz-journal-\(getpid())"
    let data = Data(bytes: start, count: count)
    guard FileManager.default.createFile(atPath: path, contents: data) else { return 0 }
    defer { unlink(path) }
    if let scan = try? JournalScan.read(path) {
        precondition(scan.goodLength + scan.tornBytes <= Int64(count), "good and torn bytes lie within the file")
    }
    return 0
}
