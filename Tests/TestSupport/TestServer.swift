import Foundation
import TCDatabase

/// Where the repository and the shared material are, seen from the tests.
public enum TestPaths {
    public static let repoRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// `../shared` beside the checkout (real TeamCal Neo dumps, PHP-made vectors), when present.
    public static var shared: URL? {
        let url = repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    public static func sql(_ name: String) -> String { repoRoot.appendingPathComponent("sql/\(name)").path }

    /// The real TeamCal Neo 5.3.6 dumps, or nil (the caller skips, saying so).
    public static func teamcalDump(_ name: String) -> String? {
        guard let shared else { return nil }
        let path = shared.appendingPathComponent("teamcal-neo/\(name)").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

/// The private MariaDB server started by `scripts/testdb` (its own datadir, socket, port,
/// TLS certificates and accounts). Started on first use if it is not running.
public struct TestServer: Sendable {
    public let socket: String
    public let port: UInt32
    public let user: String
    public let password: String
    public let passwordFile: String
    public let tlsDir: String

    nonisolated(unsafe) private static var cached: TestServer?
    private static let lock = NSLock()

    public static func shared() throws -> TestServer {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let script = TestPaths.repoRoot.appendingPathComponent("scripts/testdb").path
        let start = try Shell.run([script, "start"])
        guard start.status == 0 else {
            throw TestFailure("the private MariaDB did not start: \(start.stderr)")
        }
        let env = try Shell.run([script, "env"])
        var values: [String: String] = [:]
        for line in env.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        let passwordFile = values["TCADMIN_TEST_PASSWORD_FILE"]!
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let server = TestServer(socket: values["TCADMIN_TEST_SOCKET"]!, port: UInt32(values["TCADMIN_TEST_PORT"]!)!,
                                user: values["TCADMIN_TEST_USER"]!, password: password, passwordFile: passwordFile,
                                tlsDir: values["TCADMIN_TEST_TLS_DIR"]!)
        cached = server
        return server
    }

    public func options(database: String?, user: String? = nil, tcp: Bool = false) -> ConnectionOptions {
        ConnectionOptions(host: tcp ? "127.0.0.1" : nil, port: tcp ? port : nil, socket: tcp ? nil : socket,
                          user: user ?? self.user, password: password, database: database)
    }

    /// Runs SQL as the server's root account through the mariadb client.
    @discardableResult
    public func rootSQL(_ sql: String, database: String? = nil) throws -> String {
        var args = ["mariadb", "--no-defaults", "--socket=\(socket)", "-uroot", "--batch", "--skip-column-names"]
        if let database { args.append(database) }
        let result = try Shell.run(args, stdin: Data(sql.utf8))
        guard result.status == 0 else { throw TestFailure("SQL failed: \(result.stderr)") }
        return result.stdout
    }

    /// Loads an SQL file (dump or fixture) into a database, optionally renaming the table prefix.
    public func load(_ path: String, into database: String, prefix: String = "tcneo_") throws {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if prefix != "tcneo_" { text = text.replacingOccurrences(of: "`tcneo_", with: "`\(prefix)") }
        try rootSQL(text, database: database)
    }

    /// A fresh database with the given SQL files loaded, dropped when the object goes away.
    public func createDatabase(_ files: [String], prefix: String = "tcneo_") throws -> TestDatabase {
        let name = "tct_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try rootSQL("CREATE DATABASE `\(name)` CHARACTER SET utf8mb4")
        for file in files { try load(file, into: name, prefix: prefix) }
        return TestDatabase(name: name, server: self, prefix: prefix)
    }
}

/// A database that exists for one test.
public final class TestDatabase: @unchecked Sendable {
    public let name: String
    public let server: TestServer
    public let prefix: String

    init(name: String, server: TestServer, prefix: String) {
        self.name = name
        self.server = server
        self.prefix = prefix
    }

    deinit { _ = try? server.rootSQL("DROP DATABASE IF EXISTS `\(name)`") }

    public func connect(user: String? = nil) throws -> Connection {
        try Connection(server.options(database: name, user: user))
    }

    /// Runs SQL as root in this database; returns the tab-separated output.
    @discardableResult
    public func sql(_ text: String) throws -> String { try server.rootSQL(text, database: name) }

    /// The connection arguments tcadmin needs to reach this database over the socket.
    public var cliArguments: [String] {
        ["--socket", server.socket, "--user", server.user, "--database", name] + (prefix == "tcneo_" ? [] : ["--prefix", prefix])
    }

    public var cliEnvironment: [String: String] { ["TCADMIN_DB_PASSWORD": server.password] }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
