import Foundation
import XCTest
import TCCrypto
import TCDatabase
import TestSupport

/// `tcadmin migrate-secrets` through the built binary: plan, execute, resume after kill -9,
/// a dropped connection and a full disk, wrong keys, the lock, rollback.
final class MigrateSecretsCLITests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "tcadmin-migrate-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func demo() throws -> TestDatabase {
        try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
    }

    func legacy(_ count: Int, otherOptions: Int = 0) throws -> TestDatabase {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql")])
        try db.insertLegacySecrets(count, otherOptions: otherOptions)
        return db
    }

    func environment(_ db: TestDatabase, key: String = SecretFixtures.appKey) -> [String: String] {
        var env = db.cliEnvironment
        env["TCADMIN_APP_KEY"] = key
        env["TCADMIN_STATE_DIR"] = dir + "/state"
        return env
    }

    func run(_ db: TestDatabase, _ args: [String], key: String = SecretFixtures.appKey,
             connection: [String]? = nil) throws -> Shell.Result {
        try TCAdminBinary.run((connection ?? db.cliArguments) + ["migrate-secrets"] + args, environment: environment(db, key: key))
    }

    /// Every secret of `u1`…`u<count>` is v2 and decrypts, the app's way, to its original.
    func assertAllMigrated(_ db: TestDatabase, count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let codec = try SecretCodec(key: InstallationKey(SecretFixtures.appKey))
        let values = try db.secretValues()
        XCTAssertEqual(values.count, count, file: file, line: line)
        var wrong = 0
        for (user, value) in values {
            guard case .decrypted(.v2, let secret) = try codec.classify(value),
                  secret.base32 == SecretFixtures.secret(ofUser: Int(user.dropFirst())!) else { wrong += 1; continue }
        }
        XCTAssertEqual(wrong, 0, "rows not migrated to their own secret", file: file, line: line)
    }

    func v2Count(_ db: TestDatabase) throws -> Int {
        Int(try db.sql("SELECT COUNT(*) FROM tcneo_user_option WHERE `option` = 'secret' AND value LIKE 'v2:%'")
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Starts the binary in the background; output is discarded.
    func start(_ db: TestDatabase, _ args: [String], wrapper: [String] = []) throws -> Process {
        let process = Process()
        let binary = TCAdminBinary.path
        if wrapper.isEmpty {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = db.cliArguments + ["migrate-secrets"] + args
        } else {
            process.executableURL = URL(fileURLWithPath: wrapper[0])
            process.arguments = Array(wrapper.dropFirst()) + [binary] + db.cliArguments + ["migrate-secrets"] + args
        }
        process.environment = TCAdminBinary.environment(environment(db))
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until the journal records `batches` confirmed batches (or the process ends).
    func waitForBatches(_ journal: String, _ batches: Int, process: Process, timeout: Double = 60) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning {
            if let text = try? String(contentsOfFile: journal, encoding: .utf8),
               text.components(separatedBy: "\nC\t").count - 1 >= batches { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Runs again until the lock of a killed run is gone (the server frees it when it notices).
    func runAgain(_ db: TestDatabase, _ args: [String]) throws -> Shell.Result {
        var result = try run(db, args)
        for _ in 0..<100 where result.status == 75 {
            Thread.sleep(forTimeInterval: 0.1)
            result = try run(db, args)
        }
        return result
    }

    // MARK: Plan

    func testDryRunPlansAndWritesNothing() throws {
        let db = try demo()
        let before = [try db.checksum("user_option"), try db.checksum("archive_user_option")]
        let r = try run(db, ["--include-archive"])
        XCTAssertEqual(r.status, 1, "undecryptable values remain: \(r.stderr)")
        XCTAssertEqual(r.stdout, """
            plan: legacy secrets → v2 under the current installation key
              user_option: 10 secret rows — 2 to migrate (2 legacy), 4 already v2, 2 not enrolled, 2 undecryptable
              archive_user_option: 1 secret row — 1 to migrate (1 legacy), 0 already v2, 0 not enrolled, 0 undecryptable
            undecryptable, left untouched: corrupt — v2 value wrong length for its format (damaged value)
            undecryptable, left untouched: wrongkey — v2 value does not decrypt (wrong installation key, or damaged)
            dry run: nothing written — add --execute to migrate 3 secrets

            """)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual([try db.checksum("user_option"), try db.checksum("archive_user_option")], before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/state"), "a dry run creates no journal")

        let j = try run(db, ["--format", "json"])
        let plan = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(plan["mode"] as? String, "migrate")
        XCTAssertEqual(plan["executed"] as? Bool, false)
        XCTAssertEqual((plan["totals"] as! [String: Int])["legacy"], 2)
        XCTAssertEqual((plan["totals"] as! [String: Int])["target"], 4)
        XCTAssertEqual((plan["undecryptable"] as! [[String: String]]).map { $0["reason"]! }, ["bad_length", "bad_padding"])
        XCTAssertTrue(plan["journal"] is NSNull)
        XCTAssertEqual(plan["ok"] as? Bool, false)
        // Values never appear in the output.
        for value in try db.secretValues().values where value.count > 8 {
            XCTAssertFalse(r.stdout.contains(value) || j.stdout.contains(value))
        }
    }

    func testExecuteRerunAndRollbackWithArchive() throws {
        let db = try demo()
        try db.sql("INSERT INTO tcneo_config (name, value) VALUES ('logDatabase', '1')")
        let before = try db.secretValues()
        let archived = try db.secretValues(table: "archive_user_option")
        let journal = dir + "/j.journal"

        var r = try run(db, ["--execute", "--yes", "--journal", journal, "--include-archive"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("migrated 3 secrets to v2 in 2 batches"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  user_option: 2 migrated, 4 already v2, 2 not enrolled, 2 undecryptable (left untouched), 0 changed during the run\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("journal: \(journal) — undo with: tcadmin migrate-secrets --rollback --journal \(journal) --execute"), r.stdout)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: journal)[.posixPermissions] as? Int, 0o600)
        let verify = try TCAdminBinary.run(db.cliArguments + ["verify-secrets", "--include-archive", "--format", "json"],
                                           environment: environment(db))
        let counts = (try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as! [String: Any])["counts"] as! [String: Int]
        XCTAssertEqual([counts["v2"], counts["legacy"], counts["undecryptable"]], [7, 0, 2])
        XCTAssertEqual(try db.sql("SELECT type, event, user LIKE 'tcadmin:%', ip FROM tcneo_log"),
                       "logDatabase\t2FA secrets migrated to v2: 3 rows (tcadmin)\t1\tcli\n")

        // Again: nothing to do, nothing written.
        let migrated = try db.checksum("user_option")
        r = try run(db, ["--execute", "--yes", "--journal", journal, "--include-archive", "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let again = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(again["executed"] as? Bool, true)
        XCTAssertEqual((again["totals"] as! [String: Int])["migrated"], 0)
        XCTAssertEqual((again["totals"] as! [String: Int])["target"], 7)
        XCTAssertEqual(try db.checksum("user_option"), migrated)

        // Rollback: a dry run first, then for real; values come back byte for byte.
        r = try run(db, ["--rollback", "--journal", journal])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("dry run: nothing written — 3 rows would get their old value back, 0 already hold it, 0 changed since"), r.stdout)
        XCTAssertEqual(try db.checksum("user_option"), migrated)
        r = try run(db, ["--rollback", "--journal", journal, "--execute", "--yes", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let undone = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(undone["restored"] as? Int, 3)
        XCTAssertEqual(undone["job_mode"] as? String, "migrate")
        XCTAssertEqual(try db.secretValues(), before)
        XCTAssertEqual(try db.secretValues(table: "archive_user_option"), archived)
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log").trimmingCharacters(in: .whitespacesAndNewlines), "2")
        r = try run(db, ["--rollback", "--journal", journal, "--execute", "--yes"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("nothing to roll back"), r.stdout)

        // A new job keeps the finished one's journal under another name.
        r = try run(db, ["--execute", "--yes", "--journal", journal])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("the previous job's journal is kept as \(dir!)/j."), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".journal") }.count, 2)
    }

    func testArchiveIsLeftAloneWithoutTheOption() throws {
        let db = try demo()
        let archived = try db.checksum("archive_user_option")
        let r = try run(db, ["--execute", "--yes"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("migrated 2 secrets"), r.stdout)
        XCTAssertEqual(try db.checksum("archive_user_option"), archived)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/state/migrate-\(db.name)-tcneo_.journal"), "the default journal")
    }

    // MARK: Refusals

    func testNoTerminalAndNoYesWritesNothing() throws {
        let db = try demo()
        let before = try db.checksum("user_option")
        let r = try run(db, ["--execute"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("add --yes"), r.stderr)
        XCTAssertEqual(try db.checksum("user_option"), before)
    }

    func testWrongKeyExits78AndWritesNothing() throws {
        let db = try demo()
        let before = try db.checksum("user_option")
        let r = try run(db, ["--execute", "--yes"], key: "K3y-sh0uld-n0t-leak")
        XCTAssertEqual(r.status, 78)
        XCTAssertEqual(r.stderr, "Error: the installation key does not decrypt any stored secret (8 enrolled, none decrypt) — check --app-dir, --key-file or TCADMIN_APP_KEY; nothing was written\n")
        XCTAssertFalse(r.stdout.contains("K3y"))
        XCTAssertEqual(try db.checksum("user_option"), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/state/migrate-\(db.name)-tcneo_.journal"))
    }

    func testNewKeyFileRefusalsThenRekeyAndBack() throws {
        let db = try demo()
        let before = try db.secretValues()
        let same = dir + "/same.key", empty = dir + "/empty.key", fresh = dir + "/new.key"
        try "\(SecretFixtures.appKey)\n".write(toFile: same, atomically: true, encoding: .utf8)
        try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
        try "N3w-K3y.2026\n".write(toFile: fresh, atomically: true, encoding: .utf8)
        for file in [same, empty, fresh] { chmod(file, 0o600) }
        var r = try run(db, ["--new-key-file", same, "--execute", "--yes"])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("is the current installation key"), r.stderr)
        r = try run(db, ["--new-key-file", empty])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("is empty"), r.stderr)
        r = try run(db, ["--new-key-file", dir + "/missing.key"])
        XCTAssertEqual(r.status, 78)
        XCTAssertEqual(try db.secretValues(), before)

        r = try run(db, ["--new-key-file", fresh])
        XCTAssertTrue(r.stdout.contains("6 to migrate (2 legacy, 4 v2 under the current key)"), r.stdout)
        XCTAssertTrue(r.stderr.contains("APP_LIC_KEY in APP/config/config.app.php must now be the new key"), r.stderr)
        let journal = dir + "/rekey.journal"
        r = try run(db, ["--new-key-file", fresh, "--execute", "--yes", "--journal", journal])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("migrated 6 secrets to v2 under the new key"), r.stdout)
        XCTAssertTrue(r.stderr.contains("until then the app cannot read the migrated secrets"), r.stderr)
        XCTAssertFalse(try String(contentsOfFile: journal, encoding: .utf8).contains("N3w-K3y"), "the key is never journaled")
        // The secrets decrypt under the new key only.
        let underNew = try TCAdminBinary.run(db.cliArguments + ["verify-secrets", "--format", "json"], environment: environment(db, key: "N3w-K3y.2026"))
        let newCounts = (try JSONSerialization.jsonObject(with: Data(underNew.stdout.utf8)) as! [String: Any])["counts"] as! [String: Int]
        XCTAssertEqual([newCounts["v2"], newCounts["undecryptable"]], [6, 2])
        let underOld = try TCAdminBinary.run(db.cliArguments + ["verify-secrets", "--format", "json"], environment: environment(db))
        let oldCounts = (try JSONSerialization.jsonObject(with: Data(underOld.stdout.utf8)) as! [String: Any])["counts"] as! [String: Int]
        XCTAssertEqual([oldCounts["v2"], oldCounts["undecryptable"]], [0, 8])
        // The same re-key again finds everything done.
        r = try run(db, ["--new-key-file", fresh, "--execute", "--yes", "--journal", journal])
        XCTAssertTrue(r.stdout.contains("nothing to migrate: every secret that decrypts is already v2 under the new key"), r.stdout)
        // An interrupted re-key (its end record missing) is not resumed by a plain migration.
        let interrupted = dir + "/interrupted.journal"
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("E\t") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: interrupted, atomically: true, encoding: .utf8)
        r = try run(db, ["--execute", "--yes", "--journal", interrupted])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("holds an interrupted re-key"), r.stderr)

        r = try run(db, ["--rollback", "--journal", journal, "--execute", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("APP_LIC_KEY in APP/config/config.app.php must be that key again"), r.stderr)
        XCTAssertEqual(try db.secretValues(), before)
    }

    func testAnotherRunHoldingTheLockExits75() throws {
        let db = try demo()
        let holder = try db.connect()
        XCTAssertEqual(try holder.scalar("SELECT GET_LOCK(?, 0)", ["tcadmin-migrate:\(db.name).tcneo_"]), "1")
        let before = try db.checksum("user_option")
        var r = try run(db, ["--execute", "--yes"])
        XCTAssertEqual(r.status, 75)
        XCTAssertEqual(r.stderr, "Error: another migration or rollback of this database is running (connection \(holder.threadID)) — wait for it to finish and try again\n")
        XCTAssertEqual(try db.checksum("user_option"), before)
        r = try run(db, ["--rollback", "--journal", dir + "/none.journal", "--execute", "--yes"])
        XCTAssertEqual(r.status, 65, "no journal: \(r.stderr)")
        // A dry run still plans, and says a migration is running.
        r = try run(db, [])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("a migration is running right now (connection \(holder.threadID))"), r.stderr)
    }

    func testReadOnlyAccountExits77() throws {
        let db = try demo()
        let reader = ["--socket", db.server.socket, "--user", "tcreader", "--database", db.name]
        let before = try db.checksum("user_option")
        var r = try run(db, [], connection: reader)
        XCTAssertEqual(r.status, 1, "the plan needs reading only: \(r.stderr)")
        r = try run(db, ["--execute", "--yes"], connection: reader)
        XCTAssertEqual(r.status, 77)
        XCTAssertTrue(r.stderr.contains("lacks a privilege"), r.stderr)
        XCTAssertEqual(try db.checksum("user_option"), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/state/migrate-\(db.name)-tcneo_.journal"), "nothing journaled")
    }

    func testJournalOfAnotherDatabaseOrDamagedIsRefused() throws {
        let a = try demo(), b = try demo()
        let journal = dir + "/a.journal"
        XCTAssertEqual(try run(a, ["--execute", "--yes", "--journal", journal]).status, 1)
        let before = try b.checksum("user_option")
        var r = try run(b, ["--execute", "--yes", "--journal", journal])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("belongs to database \(a.name)"), r.stderr)
        r = try run(b, ["--rollback", "--journal", journal, "--execute", "--yes"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(try b.checksum("user_option"), before)
        var text = try String(contentsOfFile: journal, encoding: .utf8)
        text = text.replacingOccurrences(of: "asmith", with: "asmitx")
        try text.write(toFile: journal, atomically: true, encoding: .utf8)
        r = try run(a, ["--rollback", "--journal", journal, "--execute", "--yes"])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("is damaged at line 3: checksum mismatch"), r.stderr)
        r = try run(a, ["--rollback", "--new-key-file", journal])
        XCTAssertEqual(r.status, 64)
    }

    func testRealDumpHasNothingToMigrate() throws {
        guard let dump = TestPaths.teamcalDump("sample.sql") else { throw XCTSkip("../shared/teamcal-neo is absent: real-dump test skipped") }
        let db = try TestServer.shared().createDatabase([dump])
        var r = try run(db, ["--include-archive"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("user_option: 0 secret rows — 0 to migrate"), r.stdout)
        r = try run(db, ["--include-archive", "--execute", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("nothing to migrate: every secret that decrypts is already v2\n"), r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/state/migrate-\(db.name)-tcneo_.journal"))
    }

    // MARK: Faults

    /// kill -9 in the middle, a torn journal line, then the same command again.
    func testKilledRunResumesAndRollsBack() throws {
        let users = 100_000
        let db = try legacy(users)
        let original = try db.checksum("user_option")
        let journal = dir + "/j.journal"
        let args = ["--execute", "--yes", "--batch-size", "1000", "--sleep", "0.01", "--journal", journal]
        let process = try start(db, args)
        waitForBatches(journal, 5, process: process)
        XCTAssertTrue(process.isRunning, "the run ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let done = try v2Count(db)
        XCTAssertGreaterThan(done, 0)
        XCTAssertLessThan(done, users)
        // A crash in the middle of a write leaves a torn line.
        let handle = FileHandle(forWritingAtPath: journal)!
        handle.seekToEndOfFile()
        let torn = "R\tuser_option\t999999\tu9\tXraUVNCH"
        handle.write(Data(torn.utf8))
        try handle.close()

        let r = try runAgain(db, args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("journal: dropped a torn last line ("), r.stderr)
        XCTAssertTrue(r.stdout.contains("migrated \(users - done) secrets"), r.stdout)
        try assertAllMigrated(db, count: users)

        let undo = try run(db, ["--rollback", "--journal", journal, "--execute", "--yes"])
        XCTAssertEqual(undo.status, 0, undo.stderr)
        XCTAssertTrue(undo.stdout.contains("restored \(users) rows"), undo.stdout)
        XCTAssertEqual(try db.checksum("user_option"), original, "every value is back, byte for byte")
    }

    /// The server drops the migration's connection mid-run: exit 69, then the same command finishes.
    func testDroppedConnectionExits69AndResumes() throws {
        let users = 100_000
        let db = try legacy(users, otherOptions: 1)
        let journal = dir + "/j.journal"
        let out = dir + "/stderr"
        let args = ["--execute", "--yes", "--batch-size", "500", "--sleep", "0.005", "--journal", journal]
        let process = try start(db, args, wrapper: ["/bin/sh", "-c", "exec \"$@\" 2>\(out)", "sh"])
        waitForBatches(journal, 3, process: process)
        XCTAssertTrue(process.isRunning)
        let ids = try db.server.rootSQL("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'tcadmin' AND DB = '\(db.name)'")
        XCTAssertFalse(ids.isEmpty)
        for id in ids.split(separator: "\n") { _ = try? db.server.rootSQL("KILL CONNECTION \(id)") }
        process.waitUntilExit()
        let message = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(process.terminationStatus, 69, message)
        XCTAssertTrue(message.contains("lost the database during the migration"), message)
        XCTAssertTrue(message.contains("run the same command again: it resumes"), message)
        XCTAssertLessThan(try v2Count(db), users)

        let r = try runAgain(db, args)
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertAllMigrated(db, count: users)
    }

    /// The journal's disk fills up: exit 73 before the batch touches the database; then it finishes.
    func testFullDiskStopsBeforeWritingAndResumes() throws {
        let users = 20_000
        let db = try legacy(users)
        let original = try db.checksum("user_option")
        let small = dir + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        // A tiny filesystem where we may mount one (root); otherwise a file-size limit, the same failure to tcadmin.
        let mounted = try getuid() == 0 && Shell.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", small]).status == 0
        defer { if mounted { _ = try? Shell.run(["umount", small]) } }
        let journal = small + "/j.journal"
        let args = ["--execute", "--yes", "--batch-size", "500", "--journal", journal]
        let out = dir + "/stderr"
        let wrapper = mounted ? ["/bin/sh", "-c", "exec \"$@\" 2>\(out)", "sh"]
                              : ["/bin/sh", "-c", "ulimit -f 512; trap '' XFSZ; exec \"$@\" 2>\(out)", "sh"]
        print(mounted ? "full disk: a 256 KiB tmpfs" : "full disk: simulated with a 256 KiB file-size limit (no tmpfs mount allowed)")
        let process = try start(db, args, wrapper: wrapper)
        process.waitUntilExit()
        let message = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(process.terminationStatus, 73, message)
        XCTAssertTrue(message.contains(mounted ? "no space left on the device" : "file too large"), message)
        XCTAssertTrue(message.contains("nothing was written to the database for the batch in progress"), message)

        // Every row that reached the database is in the journal, and no other: the batch whose
        // records could not be written was not written either.
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        let journaled = lines.filter { $0.hasPrefix("R\t") }.count
        XCTAssertGreaterThan(journaled, 0)
        XCTAssertEqual(journaled % 500, 0, "whole batches only")
        XCTAssertEqual(try v2Count(db), journaled)

        // Free space, run the same command again.
        if mounted {
            XCTAssertEqual(try Shell.run(["mount", "-o", "remount,size=64m", small]).status, 0)
        }
        let r = try runAgain(db, args)
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertAllMigrated(db, count: users)
        let undo = try run(db, ["--rollback", "--journal", journal, "--execute", "--yes"])
        XCTAssertEqual(undo.status, 0, undo.stderr)
        XCTAssertEqual(try db.checksum("user_option"), original)
    }
}
