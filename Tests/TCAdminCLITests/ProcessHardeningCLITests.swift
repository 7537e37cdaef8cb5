import XCTest
import Foundation
import TestSupport

/// Core dumps are off in a running `tcadmin`: RLIMIT_CORE 0 and not dumpable, read from
/// /proc while the binary waits on a silent SNTP server (end to end, no debug hook).
final class ProcessHardeningCLITests: XCTestCase {
    /// As root, the child runs as nobody: a dumpable process's /proc/<pid>/environ belongs to
    /// its own user, a non-dumpable one's to root, so the owner tells the two apart.
    var dropPrivileges: [String] {
        getuid() == 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : []
    }

    /// Starts `command` with a known, non-zero core limit (when we may raise it).
    func launch(_ command: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let limit = getuid() == 0 ? ["prlimit", "--core=1048576:1048576", "--"] : []
        process.arguments = limit + dropPrivileges + command
        process.environment = TCAdminBinary.environment()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    struct Probe: Equatable {
        var command: String
        var coreLimit: String
        var procOwner: uid_t
    }

    func probe(_ pid: Int32) -> Probe? {
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
              let limits = try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8) else { return nil }
        guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max core file size") }) else { return nil }
        let fields = line.dropFirst("Max core file size".count).split(separator: " ")
        var info = stat()
        guard stat("/proc/\(pid)/environ", &info) == 0 else { return nil }
        return Probe(command: comm.trimmingCharacters(in: .whitespacesAndNewlines),
                     coreLimit: fields.prefix(2).joined(separator: " "), procOwner: info.st_uid)
    }

    /// Polls until `done` holds for the process's probe, or 5 seconds pass; returns the last probe.
    func watch(_ process: Process, until done: (Probe) -> Bool) -> Probe? {
        var last: Probe?
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && process.isRunning {
            if let p = probe(process.processIdentifier) {
                last = p
                if done(p) { break }
            }
            usleep(20_000)
        }
        return last
    }

    func testRunningBinaryHasCoreDumpsOff() throws {
        let (descriptor, port) = try FakeSNTPServer.bindUDP(host: "127.0.0.1")  // never answers
        defer { close(descriptor) }
        let process = try launch([TCAdminBinary.path, "ntp-check", "--server", "127.0.0.1:\(port)", "--timeout", "6"])
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        let seen = watch(process) { $0.command == "tcadmin" && $0.coreLimit == "0 0" && $0.procOwner == 0 }
        let probe = try XCTUnwrap(seen, "tcadmin exited before it could be inspected")
        XCTAssertEqual(probe.command, "tcadmin")
        XCTAssertEqual(probe.coreLimit, "0 0", "RLIMIT_CORE soft and hard are 0")
        XCTAssertEqual(probe.procOwner, 0, "not dumpable: /proc/<pid>/environ belongs to root")
    }

    /// The probes tell a dumpable process from a hardened one: the same launch of `sleep`
    /// keeps its core limit and its own /proc owner.
    func testProbeSeesAnOrdinaryProcessAsDumpable() throws {
        let process = try launch(["sleep", "3"])
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        let probe = try XCTUnwrap(watch(process) { $0.command == "sleep" })
        XCTAssertEqual(probe.command, "sleep")
        XCTAssertNotEqual(probe.coreLimit, "0 0")
        XCTAssertEqual(probe.procOwner, getuid() == 0 ? 65534 : getuid())
    }
}
