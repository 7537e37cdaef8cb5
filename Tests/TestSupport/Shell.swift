import Foundation

/// Runs a program and collects its output.
public enum Shell {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public let stdoutData: Data
    }

    public static func run(_ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil,
                           currentDirectory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
    }
}

/// Runs the built `tcadmin` binary as users run it.
public enum TCAdminBinary {
    public static var path: String {
        if let p = ProcessInfo.processInfo.environment["TCADMIN_BIN"] { return p }
        return TestPaths.repoRoot.appendingPathComponent(".build/debug/tcadmin").path
    }

    /// A clean environment: no config files, no colour, a private HOME, plus `extra`.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                   "HOME": NSTemporaryDirectory(), "TCADMIN_CONFIG": "", "LANG": "C.UTF-8",
                   "TCADMIN_STATE_DIR": NSTemporaryDirectory() + "tcadmin-test-state"]
        for (k, v) in extra { env[k] = v }
        return env
    }

    public static func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil,
                           executable: String? = nil) throws -> Shell.Result {
        let binary = executable ?? path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestFailure("\(binary) is missing — run 'swift build' (make test does) before the CLI tests")
        }
        return try Shell.run([binary] + arguments, environment: environment(extra), stdin: stdin.map { Data($0.utf8) })
    }
}

/// A temporary TeamCal Neo installation folder.
public final class TestAppDir: @unchecked Sendable {
    public let path: String

    /// - Parameters:
    ///   - env: contents of `.env` (nil: none, a 4.x-style install)
    ///   - dbPHP: contents of `config/config.db.php` (nil: none)
    ///   - appKey: the APP_LIC_KEY written into `config/config.app.php` (nil: no file)
    public init(env: String?, dbPHP: String? = nil, appKey: String? = "5e091d9b9cbf36.90197318") throws {
        path = NSTemporaryDirectory() + "tcadmin-app-" + UUID().uuidString
        let fm = FileManager.default
        try fm.createDirectory(atPath: path + "/config", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: path + "/cache", withIntermediateDirectories: true)
        if let env { try env.write(toFile: path + "/.env", atomically: true, encoding: .utf8) }
        if let dbPHP { try dbPHP.write(toFile: path + "/config/config.db.php", atomically: true, encoding: .utf8) }
        if let appKey {
            let php = "<?php\n// Application configuration\ndefine('APP_NAME', 'TeamCal Neo');\ndefine('APP_LIC_KEY', \"\(appKey)\");\n"
            try php.write(toFile: path + "/config/config.app.php", atomically: true, encoding: .utf8)
        }
    }

    /// A 5.x app folder whose `.env` points at a test database over the socket.
    public convenience init(for database: TestDatabase, appKey: String? = "5e091d9b9cbf36.90197318", extraEnv: String = "") throws {
        let env = """
            APP_ENV=production
            DB_HOST=localhost
            DB_PORT=
            DB_SOCKET="\(database.server.socket)"
            DB_NAME=\(database.name)
            DB_USER=\(database.server.user)
            DB_PASS='\(database.server.password)'
            DB_PREFIX=\(database.prefix)
            \(extraEnv)
            """
        try self.init(env: env, appKey: appKey)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ relative: String) -> String { path + "/" + relative }
}
