import Foundation
import Glibc
import TCClock

/// A real chronyd serving NTP on a free loopback port, for tests. `-x` keeps it from
/// ever touching the system clock; with `local stratum 8` it serves this machine's time.
public final class PrivateChronyd: @unchecked Sendable {
    public static let candidates = ["/usr/sbin/chronyd", "/usr/bin/chronyd", "/sbin/chronyd"]

    public let port: UInt16
    public let directory: URL
    public let logURL: URL
    private let process: Process
    private let log: FileHandle

    /// nil when chronyd is not installed.
    public static var executable: String? { candidates.first { access($0, X_OK) == 0 } }

    public init(executable chronyd: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcadmin-chronyd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try FakeSNTPServer.unusedPort()
        let configuration = directory.appendingPathComponent("chrony.conf")
        try """
            port \(port)
            bindaddress 127.0.0.1
            allow 127.0.0.1
            local stratum 8
            cmdport 0
            bindcmdaddress /
            pidfile \(directory.path)/chronyd.pid
            driftfile \(directory.path)/chrony.drift
            """.write(to: configuration, atomically: true, encoding: .utf8)
        logURL = directory.appendingPathComponent("chronyd.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        log = try FileHandle(forWritingTo: logURL)
        process = Process()
        process.executableURL = URL(fileURLWithPath: chronyd)
        // As root chronyd would switch to its own user, which cannot read the
        // temporary files; keep root. As anyone else, skip the root check.
        let user = geteuid() == 0 ? ["-u", "root"] : ["-U"]
        process.arguments = ["-x", "-d"] + user + ["-f", configuration.path]
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }
    public var spec: NTPServerSpec { NTPServerSpec(host: "127.0.0.1", port: port) }
    public var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Waits until chronyd answers (it needs a moment after starting).
    public func waitUntilServing(timeout: TimeInterval = 15) -> SNTPServerResult {
        let giveUp = Date().addingTimeInterval(timeout)
        var result = SNTPClient.query([spec], timeout: .milliseconds(500)).results[0]
        while result.measurement == nil, process.isRunning, Date() < giveUp {
            Thread.sleep(forTimeInterval: 0.2)
            result = SNTPClient.query([spec], timeout: .milliseconds(500)).results[0]
        }
        return result
    }

    /// SIGTERM, then SIGKILL if chronyd has not gone within five seconds.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? log.close()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}
