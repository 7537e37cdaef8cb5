import XCTest
import Foundation
import TCDatabase
import TestSupport
@testable import TCAdminCLI

/// Faults while tcadmin works: the connection killed in the middle of a command, a server or
/// an account that cannot write, a lock held by another session. Each is one clear line and
/// its exit code; nothing hangs.
///
/// TODO(integration), once the write commands merge, through the binary:
/// - force-2fa on / reset-2fa as tcreader, and with `SET GLOBAL read_only = 1`: 77, nothing written;
/// - reset-2fa / migrate-secrets --execute with the backup or journal on a full 16k tmpfs
///   (see SecretFileTests): 73, and the database unchanged (CHECKSUM TABLE before and after);
/// - migrate-secrets while another session holds its GET_LOCK: 75, nothing written;
/// - the connection killed in the middle of reset-2fa --all / migrate-secrets --execute: 69,
///   the message says how far it got, and restore-2fa / a resumed migration finish the job.
final class FaultCLITests: XCTestCase {
    var db: TestDatabase!

    override func setUpWithError() throws {
        db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
    }

    /// verify-secrets streams 100,000 damaged secrets (megabytes more than the socket buffers
    /// hold); its stdout is not read, so it stalls with the query half sent. Then the server kills its connection (as when it stops).
    func testConnectionKilledInTheMiddleOfACommand() throws {
        try db.sql("""
            INSERT INTO tcneo_user_option (username, `option`, value)
            SELECT CONCAT('bulk', seq), 'secret', CONCAT('v2:AAAA', seq) FROM seq_1_to_100000
            """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TCAdminBinary.path)
        process.arguments = db.cliArguments + ["verify-secrets"]
        process.environment = TCAdminBinary.environment(db.cliEnvironment.merging(["TCADMIN_APP_KEY": "5e091d9b9cbf36.90197318"]) { $1 })
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var connection: String?
        let deadline = Date().addingTimeInterval(20)
        while connection == nil && Date() < deadline && process.isRunning {
            let id = try db.server.rootSQL("""
                SELECT ID FROM information_schema.PROCESSLIST
                WHERE USER = 'tcadmin' AND DB = '\(db.name)' AND INFO LIKE 'SELECT id, username, value%'
                """).trimmingCharacters(in: .whitespacesAndNewlines)
            if !id.isEmpty { connection = id } else { usleep(50_000) }
        }
        let id = try XCTUnwrap(connection, "verify-secrets never got to its query")
        XCTAssertTrue(process.isRunning, "it stalls on the pipe with the query half sent")
        try db.server.rootSQL("KILL CONNECTION \(id)")

        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 69, errors)
        XCTAssertTrue(errors.hasPrefix("Error: lost the connection to the database at socket \(db.server.socket) before the command finished: "), errors)
        XCTAssertTrue(errors.contains("any output above is incomplete"), errors)
        XCTAssertEqual(errors.filter { $0 == "\n" }.count, 1, errors)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 0)
        XCTAssertLessThan(lines.count, 100_002, "the run was cut short")
        XCTAssertFalse(lines.last!.contains(" stored: "), "no summary is printed for a run that did not finish")
    }

    func testReadOnlyAccountReadsEverything() throws {
        let app = try TestAppDir(for: db)
        for command in [["status"], ["verify-secrets"], ["test-code", "jdoe", "836385", "--time", "1764763200"]] {
            let r = try TCAdminBinary.run(["--app-dir", app.path, "--user", "tcreader"] + command)
            XCTAssertNotEqual(r.status, 77, "\(command): \(r.stderr)")
            XCTAssertNotEqual(r.status, 69, "\(command): \(r.stderr)")
            XCTAssertNotEqual(r.status, 70, "\(command): \(r.stderr)")
        }
        XCTAssertEqual(try TCAdminBinary.run(["--app-dir", app.path, "--user", "tcreader", "status"]).status, 0)
    }

    /// No write command is merged here yet: the refusals a write meets are checked at the
    /// layer they all go through (a real server error turned into the CLI's message and code).
    func testWritesRefusedByTheAccountOrTheServerAre77() throws {
        let reader = try db.connect(user: "tcreader")
        XCTAssertThrowsError(try reader.execute("UPDATE tcneo_config SET value = ? WHERE name = ?", ["1", "forceTfa"])) { error in
            let failure = CLIError.from(error, connection: reader.options)
            XCTAssertEqual(failure.code, .accessDenied, failure.message)
            XCTAssertTrue(failure.message.hasPrefix("database user 'tcreader' lacks a privilege: "), failure.message)
        }
        // A server switched to read-only: the test accounts have no SUPER or READ_ONLY ADMIN.
        try db.server.rootSQL("SET GLOBAL read_only = 1")
        defer { _ = try? db.server.rootSQL("SET GLOBAL read_only = 0") }
        let writer = try db.connect()
        XCTAssertThrowsError(try writer.execute("UPDATE tcneo_config SET value = ? WHERE name = ?", ["1", "forceTfa"])) { error in
            let failure = CLIError.from(error, connection: writer.options)
            XCTAssertEqual(failure.code, .accessDenied, failure.message)
            XCTAssertTrue(failure.message.hasPrefix("the database refuses writes: "), failure.message)
            XCTAssertTrue(failure.message.contains("read-only") || failure.message.contains("read_only"), failure.message)
        }
        XCTAssertEqual(try db.sql("SELECT value FROM tcneo_config WHERE name = 'forceTfa'").trimmingCharacters(in: .whitespacesAndNewlines), "0")
        // Reading still works on a read-only server.
        let r = try TCAdminBinary.run(db.cliArguments + ["status"], environment: db.cliEnvironment)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Another session holds a table lock (LOCK TABLES, a dump with --lock-tables): tcadmin
    /// waits a bounded time, then says so and exits 75 instead of hanging.
    func testTableLockHeldByAnotherSessionIs75() throws {
        let holder = try db.connect()
        try holder.execute("LOCK TABLES tcneo_config WRITE, tcneo_user_option WRITE")
        defer { _ = try? holder.execute("UNLOCK TABLES") }
        let app = try TestAppDir(for: db)
        for command in [["status"], ["test-code", "jdoe", "836385"]] {
            let start = Date()
            let r = try TCAdminBinary.run(["--app-dir", app.path] + command)
            let waited = Date().timeIntervalSince(start)
            XCTAssertEqual(r.status, 75, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("Error: another session holds a lock on the tables tcadmin needs (waited \(Context.lockWaitSeconds) s"), r.stderr)
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
            XCTAssertGreaterThanOrEqual(waited, Double(Context.lockWaitSeconds) - 1)
            XCTAssertLessThan(waited, Double(Context.lockWaitSeconds) + 20)
        }
    }
}
