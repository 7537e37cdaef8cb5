import XCTest
import Foundation
import TestSupport

/// Output conventions through the built binary: colour only on a terminal and never with
/// NO_COLOR or --no-color; --quiet and --verbose; results on stdout, diagnostics on stderr.
final class OutputConventionTests: XCTestCase {
    /// Runs tcadmin under a pseudo-terminal (util-linux script(1)): stdout and stderr are a TTY.
    func onTerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let command = ([TCAdminBinary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        var env = TCAdminBinary.environment(["TERM": "xterm"])
        for (k, v) in environment { env[k] = v }
        let r = try Shell.run(["script", "-qec", command, "/dev/null"], environment: env)
        return r.stdout
    }

    func testColourOnlyOnATerminalAndNeverWithNoColor() throws {
        let onTTY = try onTerminal(["stauts"])
        XCTAssertTrue(onTTY.contains("\u{1B}[31mError: \u{1B}[0m"), "colour on a terminal: \(onTTY.debugDescription)")
        XCTAssertTrue(onTTY.contains("did you mean 'status'?"))
        XCTAssertFalse(try onTerminal(["stauts"], environment: ["NO_COLOR": "1"]).contains("\u{1B}["))
        XCTAssertFalse(try onTerminal(["--no-color", "stauts"]).contains("\u{1B}["))
        XCTAssertFalse(try onTerminal(["stauts", "--no-color"]).contains("\u{1B}["))
        XCTAssertFalse(try onTerminal(["stauts"], environment: ["TERM": "dumb"]).contains("\u{1B}["))
        // Not a terminal: no escape codes on either stream, whatever the environment.
        let piped = try TCAdminBinary.run(["stauts"], environment: ["TERM": "xterm"])
        XCTAssertFalse(piped.stderr.contains("\u{1B}") || piped.stdout.contains("\u{1B}"))
    }

    func testQuietAndVerboseOnlyChangeStderr() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        let app = try TestAppDir(for: db)
        let normal = try TCAdminBinary.run(["--app-dir", app.path, "verify-secrets"])
        XCTAssertEqual(normal.status, 1, "the demo data holds undecryptable secrets")
        XCTAssertTrue(normal.stderr.contains("reset those users"), normal.stderr)
        let quiet = try TCAdminBinary.run(["--app-dir", app.path, "verify-secrets", "--quiet"])
        XCTAssertEqual(quiet.status, 1)
        XCTAssertEqual(quiet.stdout, normal.stdout, "--quiet never changes results")
        XCTAssertEqual(quiet.stderr, "")
        let verbose = try TCAdminBinary.run(["-v", "--app-dir", app.path, "verify-secrets"])
        XCTAssertEqual(verbose.stdout, normal.stdout, "--verbose never changes results")
        XCTAssertTrue(verbose.stderr.contains("connecting to "), verbose.stderr)
        XCTAssertTrue(verbose.stderr.contains("database: from \(app.path)/.env"), verbose.stderr)
        XCTAssertFalse(verbose.stderr.contains(db.server.password), "--verbose never shows the password")
        // --quiet wins over --verbose; errors are still reported.
        let both = try TCAdminBinary.run(["-q", "-v", "--app-dir", app.path, "verify-secrets"])
        XCTAssertEqual(both.stderr, "")
        let error = try TCAdminBinary.run(["-q", "--app-dir", app.path, "test-code", "nobody", "123456"])
        XCTAssertEqual(error.status, 65)
        XCTAssertTrue(error.stderr.hasPrefix("Error: no user 'nobody'"), error.stderr)
        XCTAssertEqual(error.stdout, "")
    }
}
