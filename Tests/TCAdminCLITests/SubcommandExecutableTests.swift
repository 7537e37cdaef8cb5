import XCTest
import Foundation
@testable import TCAdminCLI
import TestSupport

/// `tcadmin-COMMAND` links (busybox style) and `tcadmin NAME` plugins from PATH.
final class SubcommandExecutableTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "tcadmin-bin-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testEveryCommandRunsUnderItsOwnName() throws {
        for command in CommandRegistry.all {
            let link = dir + "/tcadmin-\(command.name)"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: TCAdminBinary.path)
            let r = try TCAdminBinary.run(["--help"], executable: link)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, Help.command(command) + "\n", command.name)
        }
        // Options are the command's own; the command name is not repeated.
        let r = try TCAdminBinary.run(["--format", "xml"], executable: dir + "/tcadmin-status")
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("'status' has no format 'xml'"), r.stderr)
        // A link under a name that is no command behaves as tcadmin.
        try FileManager.default.createSymbolicLink(atPath: dir + "/tcadmin-nothing", withDestinationPath: TCAdminBinary.path)
        let other = try TCAdminBinary.run(["--version"], executable: dir + "/tcadmin-nothing")
        XCTAssertEqual(other.status, 0)
        XCTAssertTrue(other.stdout.hasPrefix("tcadmin \(TCAdmin.version)"))
    }

    /// A plugin that prints its arguments and the TCADMIN_* part of its environment.
    func installPlugin(_ name: String, exitCode: Int = 0) throws {
        let script = """
            #!/bin/sh
            for a in "$@"; do echo "arg=$a"; done
            env | grep -E '^(TCADMIN_|NO_COLOR=)' | sort
            exit \(exitCode)
            """
        try script.write(toFile: dir + "/tcadmin-\(name)", atomically: true, encoding: .utf8)
        chmod(dir + "/tcadmin-\(name)", 0o755)
    }

    func testAPluginGetsTheResolvedSettingsInItsEnvironmentAndThePasswordNeverAsAnArgument() throws {
        try installPlugin("hello", exitCode: 3)
        let password = "s3cret-\(UUID().uuidString.prefix(8))"
        let passwordFile = dir + "/password"
        try (password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let path = dir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try TCAdminBinary.run(["--socket", "/run/mysqld/mysqld.sock", "--user", "tc", "--database", "teamcal",
                                       "--prefix", "tc2_", "--password-file", passwordFile, "--no-color",
                                       "hello", "--weekly", "a b"],
                                      environment: ["PATH": path, "TCADMIN_STATE_DIR": dir + "/state"])
        XCTAssertEqual(r.status, 3, "the plugin's exit status is tcadmin's")
        XCTAssertEqual(r.stderr, "")
        let lines = Set(r.stdout.split(separator: "\n").map(String.init))
        for expected in ["arg=--weekly", "arg=a b", "TCADMIN_SOCKET=/run/mysqld/mysqld.sock", "TCADMIN_USER=tc",
                         "TCADMIN_DATABASE=teamcal", "TCADMIN_PREFIX=tc2_", "TCADMIN_DB_PASSWORD=\(password)",
                         "TCADMIN_SSL_MODE=preferred", "TCADMIN_STATE_DIR=\(dir!)/state", "NO_COLOR=1"] {
            XCTAssertTrue(lines.contains(expected), "\(expected) in\n\(r.stdout)")
        }
        XCTAssertEqual(r.stdout.components(separatedBy: password).count, 2, "the password appears once: in TCADMIN_DB_PASSWORD")
        XCTAssertFalse(lines.contains { $0.hasPrefix("arg=") && $0.contains(password) })
    }

    func testAPluginReusesTheAppFolderSettings() throws {
        try installPlugin("hello")
        let app = try TestAppDir(env: "DB_HOST=db.example.org\nDB_PORT=3307\nDB_NAME=tcneo\nDB_USER=teamcal\nDB_PASS='from-dotenv'\n")
        let path = dir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try TCAdminBinary.run(["--app-dir", app.path, "hello"], environment: ["PATH": path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for expected in ["TCADMIN_APP_DIR=\(app.path)", "TCADMIN_HOST=db.example.org", "TCADMIN_PORT=3307",
                         "TCADMIN_DATABASE=tcneo", "TCADMIN_USER=teamcal", "TCADMIN_DB_PASSWORD=from-dotenv"] {
            XCTAssertTrue(r.stdout.contains(expected + "\n"), "\(expected) in\n\(r.stdout)")
        }
        XCTAssertFalse(r.stdout.contains("TCADMIN_KEY_FILE"), "the key stays in the app folder")
    }

    func testBuiltInsWinAndMissingPluginsAreTypos() throws {
        // A tcadmin-status on PATH never replaces the built-in command.
        try installPlugin("status")
        let path = dir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var r = try TCAdminBinary.run(["status", "--help"], environment: ["PATH": path])
        XCTAssertTrue(r.stdout.hasPrefix("OVERVIEW: "), r.stdout)
        // No plugin and no command of that name: a usage error with a suggestion.
        r = try TCAdminBinary.run(["statsu"], environment: ["PATH": path])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("did you mean 'status'?"), r.stderr)
        // Names that could escape PATH lookup are refused.
        r = try TCAdminBinary.run(["../hello"], environment: ["PATH": path])
        XCTAssertEqual(r.status, 64)
    }
}
