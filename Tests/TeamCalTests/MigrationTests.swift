import Foundation
import Synchronization
import XCTest
import TCCrypto
import TCDatabase
@testable import TeamCal
import TestSupport

/// The migration journal: format, checksums, torn tails, damage, reading backwards.
final class MigrationJournalTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "tcadmin-journal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func header(_ run: String = "r1") -> JournalHeader {
        JournalHeader(job: "j1", run: run, mode: .migrate, database: "db", prefix: "tcneo_", started: "2026-01-01T00:00:00Z")
    }

    func testCRC32IsZlibs() {
        let check = Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) }
        XCTAssertEqual(check, 0xCBF4_3926)
        for length in [0, 1, 7, 8, 9, 100] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            // Slicing-by-8 agrees with the plain bytewise loop.
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                crc = CRC32.tables[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8)
            }
            XCTAssertEqual(bytes.withUnsafeBytes { CRC32.checksum($0) }, crc ^ 0xFFFF_FFFF, "length \(length)")
        }
    }

    func testEveryRecordRoundTripsWithHostileText() throws {
        let hostile = "o'brien\t%41\nü 😀\u{7F}\\\""
        let records: [JournalRecord] = [
            .header(JournalHeader(job: "j", run: "r", mode: .rekey, database: "d b", prefix: "p_", started: "t")),
            .batch(run: "r", number: 7, table: "user_option", rows: 3),
            .row(JournalRow(table: "user_option", id: 42, username: hostile, old: "abc+/=", new: "v2:xyz==")),
            .row(JournalRow(table: "archive_user_option", id: -1, username: "", old: hostile, new: "")),
            .committed(run: "r", number: 7, applied: 2, notApplied: 1),
            .void(table: "user_option", id: 42, new: "v2:xyz=="),
            .reconciled(run: "r", number: 7, applied: 1, voided: 2),
            .end(run: "r", migrated: 10, changed: 1, undecryptable: 2, time: "2026-01-01T00:00:00Z"),
            .rolledBack(job: "j", time: "t", restored: 9, alreadyOld: 1, changed: 0),
        ]
        var bytes: [UInt8] = []
        for record in records { JournalCodec.encode(record, into: &bytes) }
        let lines = bytes.split(separator: 0x0A)
        XCTAssertEqual(lines.count, records.count, "escaping keeps one record per line")
        for (line, record) in zip(lines, records) {
            guard case .success(let decoded) = JournalCodec.decode(line) else { return XCTFail("\(record) did not decode") }
            XCTAssertEqual(decoded, record)
        }
        XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("o'brien\t"), "tabs are escaped")
        // Any changed byte is caught by the checksum.
        var damaged = Array(lines[2])
        damaged[10] ^= 0x01
        if case .success = JournalCodec.decode(damaged[...]) { XCTFail("damage not detected") }
    }

    func testWriterMakesAPrivateFileWhateverTheUmask() throws {
        let path = dir + "/j.journal"
        let old = umask(0)
        defer { umask(old) }
        let writer = try JournalWriter(path: path)
        writer.append(.header(header()))
        try writer.sync()
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, 0o600)
        // An existing, wider file is made private too.
        let wide = dir + "/wide.journal"
        XCTAssertTrue(FileManager.default.createFile(atPath: wide, contents: nil, attributes: [.posixPermissions: 0o644]))
        _ = try JournalWriter(path: wide)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: wide)[.posixPermissions] as? Int, 0o600)
        // Not a regular file: refused.
        XCTAssertThrowsError(try JournalWriter(path: dir))
    }

    func testTornLastLineIsDroppedAndAnOpenBatchFound() throws {
        let path = dir + "/j.journal"
        let writer = try JournalWriter(path: path)
        writer.append(.header(header()))
        writer.append(.batch(run: "r1", number: 1, table: "user_option", rows: 1))
        writer.appendRow(table: "user_option", id: 1, username: "a", old: "o1", new: "n1")
        writer.append(.committed(run: "r1", number: 1, applied: 1, notApplied: 0))
        writer.append(.batch(run: "r1", number: 2, table: "user_option", rows: 2))
        writer.appendRow(table: "user_option", id: 2, username: "b", old: "o2", new: "n2")
        try writer.sync()
        let good = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        // kill -9 or a full disk in the middle of a line:
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data("R\tuser_option\t3\tc\to3\tn".utf8))
        try handle.close()

        let scan = try JournalScan.read(path)
        XCTAssertEqual(scan.state, .interrupted)
        XCTAssertEqual(scan.goodLength, Int64(good))
        XCTAssertEqual(scan.tornBytes, 22)
        XCTAssertEqual(scan.openBatch?.number, 2)
        XCTAssertEqual(scan.openBatch?.rows.map(\.id), [2])
        XCTAssertEqual(scan.rowRecords, 2)

        // Appending after it drops the torn bytes first.
        let resumed = try JournalWriter(path: path, truncatingTo: scan.goodLength)
        resumed.append(.reconciled(run: "r1", number: 2, applied: 0, voided: 1))
        resumed.append(.end(run: "r1", migrated: 1, changed: 0, undecryptable: 0, time: "t"))
        try resumed.sync()
        let again = try JournalScan.read(path)
        XCTAssertEqual(again.tornBytes, 0)
        XCTAssertEqual(again.state, .complete)
        XCTAssertNil(again.openBatch)
    }

    func testAnOpenBatchOutlivesARunThatDiedBeforeSettlingIt() throws {
        let path = dir + "/j.journal"
        let writer = try JournalWriter(path: path)
        writer.append(.header(header("r1")))
        writer.append(.batch(run: "r1", number: 1, table: "user_option", rows: 1))
        writer.appendRow(table: "user_option", id: 1, username: "a", old: "o1", new: "n1")
        // A header after an unconfirmed batch does not close it.
        writer.append(.header(header("r2")))
        try writer.sync()
        let scan = try JournalScan.read(path)
        XCTAssertEqual(scan.runs, 2)
        XCTAssertEqual(scan.openBatch?.run, "r1")
        XCTAssertEqual(scan.openBatch?.rows.map(\.id), [1])
        // A batch beginning while another is unconfirmed cannot come from tcadmin.
        writer.append(.batch(run: "r2", number: 1, table: "user_option", rows: 1))
        try writer.sync()
        XCTAssertThrowsError(try JournalScan.read(path)) { error in
            guard case JournalError.corrupt(_, 5, let reason)? = error as? JournalError else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "batch 1 begins before batch 1 was confirmed")
        }
    }

    func testDamageInTheMiddleIsRefused() throws {
        let path = dir + "/j.journal"
        let writer = try JournalWriter(path: path)
        writer.append(.header(header()))
        writer.append(.batch(run: "r1", number: 1, table: "user_option", rows: 2))
        writer.appendRow(table: "user_option", id: 1, username: "a", old: "o1", new: "n1")
        writer.appendRow(table: "user_option", id: 2, username: "b", old: "o2", new: "n2")
        writer.append(.committed(run: "r1", number: 1, applied: 2, notApplied: 0))
        try writer.sync()
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\to1\t", with: "\toX\t")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try JournalScan.read(path)) { error in
            guard case JournalError.corrupt(_, let line, let reason)? = error as? JournalError else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 3)
            XCTAssertEqual(reason, "checksum mismatch")
        }
        // Files that are not journals, even one-line ones without a newline, are never taken for torn journals.
        for content in ["hello\nworld\n", "hello", "H\tsomething-else\t1\n"] {
            let other = dir + "/other"
            try content.write(toFile: other, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try JournalScan.read(other)) { error in
                guard case JournalError.notAJournal? = error as? JournalError else { return XCTFail("\(content): \(error)") }
            }
        }
        // A torn first line that is the start of a header: an empty journal.
        let torn = dir + "/torn"
        try "H\ttcadmin-migrate-journal\t1\tj".write(toFile: torn, atomically: true, encoding: .utf8)
        let scan = try JournalScan.read(torn)
        XCTAssertEqual(scan.state, .empty)
        XCTAssertEqual(scan.goodLength, 0)
    }

    func testReadingBackwardsAcrossBlocks() throws {
        let path = dir + "/j.journal"
        let writer = try JournalWriter(path: path)
        writer.append(.header(header()))
        let long = String(repeating: "x", count: 60)
        for batch in 0..<2 {
            writer.append(.batch(run: "r1", number: batch + 1, table: "user_option", rows: 15_000))
            for id in (batch * 15_000 + 1)...(batch * 15_000 + 15_000) {
                writer.appendRow(table: "user_option", id: Int64(id), username: "u\(id)", old: long, new: "v2:\(id)")
            }
            writer.append(.committed(run: "r1", number: batch + 1, applied: 15_000, notApplied: 0))
        }
        try writer.sync()
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertGreaterThan(size, 2 * JournalLines.blockSize, "the test spans several blocks")
        let scan = try JournalScan.read(path)
        var ids: [Int64] = []
        var first: JournalRecord?
        var last: JournalRecord?
        try JournalScan.reverse(path, length: scan.goodLength) { record in
            if first == nil { first = record }
            last = record
            if case .row(let row) = record { ids.append(row.id) }
        }
        XCTAssertEqual(ids, (1...30_000).reversed().map { Int64($0) })
        XCTAssertEqual(first, .committed(run: "r1", number: 2, applied: 15_000, notApplied: 0))
        XCTAssertEqual(last, .header(header()))
    }
}

/// The migration engine against the private MariaDB: plan, run, resume, rollback, races.
final class SecretMigrationTests: XCTestCase {
    let key = InstallationKey(SecretFixtures.appKey)
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "tcadmin-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func demo() throws -> TestDatabase {
        try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
    }

    func emptySchema() throws -> TestDatabase {
        try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql")])
    }

    /// One run, as the command does it: a header, then the batches.
    @discardableResult
    func migrate(_ tc: TeamCalDatabase, journal: String, newKey: InstallationKey? = nil, archive: Bool = false,
                 batchSize: Int = 1000) throws -> MigrationResult {
        let migration = try SecretMigration(db: tc, currentKey: key, newKey: newKey, includeArchive: archive, batchSize: batchSize)
        let scan = JournalScan.exists(journal) ? try JournalScan.read(journal) : nil
        let writer = try JournalWriter(path: journal, truncatingTo: scan?.goodLength ?? 0)
        let run = JournalWriter.newIdentifier()
        if let open = scan?.openBatch { _ = try migration.reconcile(open, journal: writer) }
        writer.append(.header(JournalHeader(job: scan?.header?.job ?? "job", run: run, mode: migration.mode,
                                            database: tc.schema.database, prefix: tc.schema.prefix, started: "t")))
        try writer.sync()
        return try migration.run(try migration.survey(keepingCandidates: true), journalPath: journal, run: run)
    }

    func rollback(_ tc: TeamCalDatabase, journal: String, dryRun: Bool = false) throws -> RollbackOutcome {
        try SecretRollback(db: tc, scan: try JournalScan.read(journal)).run(dryRun: dryRun)
    }

    /// Every stored value decrypts, the app's way, with `key`; by username.
    func decrypted(_ db: TestDatabase, key: InstallationKey, table: String = "user_option") throws -> [String: SecretClassification] {
        let codec = try SecretCodec(key: key)
        return try db.secretValues(table: table).mapValues { try codec.classify($0) }
    }

    func testPlanAndRunOnDemoData() throws {
        let db = try demo()
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let before = try db.secretValues()
        let survey = try SecretMigration(db: tc, currentKey: key, includeArchive: true).survey()
        XCTAssertEqual(survey.tables.map(\.table), ["user_option", "archive_user_option"])
        let c = survey.tables[0].counts
        XCTAssertEqual([c.target, c.legacy, c.v2CurrentKey, c.notEnrolled, c.undecryptable], [4, 2, 0, 2, 2])
        XCTAssertEqual(survey.tables[1].counts.legacy, 1)
        XCTAssertEqual(survey.undecryptable.map(\.username), ["corrupt", "wrongkey"])
        XCTAssertTrue(survey.provesKey)
        XCTAssertEqual(try db.secretValues(), before, "a survey writes nothing")

        let journal = dir + "/j.journal"
        let result = try migrate(tc, journal: journal, archive: true)
        XCTAssertEqual(result.migrated, 3)
        XCTAssertEqual(result.changed, 0)
        XCTAssertEqual(result.undecryptable, 2)
        let after = try decrypted(db, key: key)
        for (user, vector) in [("asmith", 1), ("bwayne", 2)] {
            guard case .decrypted(.v2, let secret) = after[user] else { return XCTFail("\(user): \(after[user]!)") }
            XCTAssertEqual(secret.base32, SecretFixtures.vectors[vector].secret)
        }
        guard case .decrypted(.v2, let archived) = try decrypted(db, key: key, table: "archive_user_option")["oldtimer"] else {
            return XCTFail("the archived secret was not migrated")
        }
        XCTAssertEqual(archived.base32, SecretFixtures.vectors[5].secret)
        // Untouched: v2 rows, not enrolled, undecryptable.
        let values = try db.secretValues()
        for user in ["admin", "jdoe", "müller", "dprince", "ezero", "corrupt", "wrongkey", "mixedcase"] {
            XCTAssertEqual(values[user], before[user], user)
        }

        // Running again changes nothing and writes no batch.
        let second = try migrate(tc, journal: dir + "/j2.journal", archive: true)
        XCTAssertEqual(second.migrated, 0)
        XCTAssertEqual(second.batches, 0)
        XCTAssertEqual(try db.secretValues(), values)
        let text = try String(contentsOfFile: dir + "/j2.journal", encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").map { $0.first! }, ["H", "E"])
    }

    func testEveryLegacyRowMigratedWhateverItsNameOrID() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        let legacy = SecretFixtures.vectors[1].legacy
        // Names that sort and compare in interesting ways under utf8_general_ci, rows the app
        // cannot reach (NULL user name), and a negative id.
        try db.sql("""
            INSERT INTO tcneo_user_option (username, `option`, value) VALUES
              ('Zoë', 'secret', '\(legacy)'), ('ÄRGER', 'secret', '\(legacy)'), ('trail ', 'secret', '\(legacy)'),
              (NULL, 'secret', '\(legacy)'), (NULL, 'secret', '\(legacy)'), ('x\\'; DROP TABLE y; --', 'secret', '\(legacy)'),
              ('Zoë', 'avatar', '\(legacy)');
            INSERT INTO tcneo_user_option (id, username, `option`, value) VALUES (-7, 'negative', 'secret', '\(legacy)')
            """)
        let expected = Set(try db.sql("SELECT id FROM tcneo_user_option WHERE `option` = 'secret' AND value = '\(legacy)'")
            .split(separator: "\n").map { Int64($0)! })
        XCTAssertEqual(expected.count, 8, "the seven rows and asmith's of the demo data")
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let survey = try SecretMigration(db: tc, currentKey: key).survey()
        XCTAssertEqual(survey.tables[0].counts.legacy, expected.count + 1, "and bwayne's of the demo data")
        let result = try migrate(tc, journal: dir + "/j.journal", batchSize: 4)
        XCTAssertEqual(result.migrated, expected.count + 1)
        XCTAssertEqual(result.batches, 3, "nine rows in batches of four")
        let codec = try SecretCodec(key: key)
        for line in try db.sql("SELECT id, value FROM tcneo_user_option WHERE id IN (\(expected.map(String.init).joined(separator: ",")))")
            .split(separator: "\n") {
            let parts = line.split(separator: "\t").map(String.init)
            guard case .decrypted(.v2, let secret) = try codec.classify(parts[1]) else { return XCTFail("row \(parts[0]) not migrated") }
            XCTAssertEqual(secret.base32, SecretFixtures.vectors[1].secret)
        }
        XCTAssertEqual(try db.sql("SELECT value FROM tcneo_user_option WHERE username = 'Zoë' AND `option` = 'avatar'"), legacy + "\n",
                       "only secret rows are touched")
    }

    func testWrongKeyProvesNothing() throws {
        let db = try demo()
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let survey = try SecretMigration(db: tc, currentKey: InstallationKey("not-the-key")).survey()
        XCTAssertFalse(survey.provesKey)
        XCTAssertEqual(survey.total.decryptable, 0)
        XCTAssertEqual(survey.total.undecryptable, 8)
        // Nothing enrolled at all: nothing to prove.
        let empty = try emptySchema()
        let none = try SecretMigration(db: try TeamCalDatabase(connection: try empty.connect(), prefix: "tcneo_"),
                                       currentKey: InstallationKey("not-the-key")).survey()
        XCTAssertTrue(none.provesKey)
    }

    func testRekeyThenRollbackIsByteIdentical() throws {
        let db = try demo()
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let before = try db.secretValues()
        let newKey = InstallationKey("a-brand-new-key.123")
        let journal = dir + "/j.journal"
        let result = try migrate(tc, journal: journal, newKey: newKey, batchSize: 3)
        XCTAssertEqual(result.migrated, 6, "2 legacy and 4 v2 rows")
        XCTAssertEqual(result.batches, 2, "pages of 3 rows in username order: admin asmith bwayne | corrupt dprince ezero | jdoe mixedcase müller | wrongkey")
        let underNew = try decrypted(db, key: newKey)
        let underOld = try decrypted(db, key: key)
        for (user, vector) in [("jdoe", 0), ("asmith", 1), ("bwayne", 2), ("müller", 3), ("admin", 4), ("mixedcase", 5)] {
            guard case .decrypted(.v2, let secret) = underNew[user] else { return XCTFail("\(user): \(underNew[user]!)") }
            XCTAssertEqual(secret.base32, SecretFixtures.vectors[vector].secret)
            guard case .undecryptable = underOld[user] else { return XCTFail("\(user) still decrypts with the old key") }
        }
        // A second re-key run finds everything done.
        XCTAssertEqual(try SecretMigration(db: tc, currentKey: key, newKey: newKey).survey().total.toMigrate, 0)

        let plan = try rollback(tc, journal: journal, dryRun: true)
        XCTAssertEqual([plan.restored, plan.alreadyOld, plan.changed], [6, 0, 0])
        XCTAssertNotEqual(try db.secretValues(), before, "a dry run writes nothing")
        let outcome = try rollback(tc, journal: journal)
        XCTAssertEqual([outcome.records, outcome.restored, outcome.alreadyOld, outcome.changed], [6, 6, 0, 0])
        XCTAssertEqual(try db.secretValues(), before)
        // Again: nothing left to restore, nothing reported as changed.
        let again = try rollback(tc, journal: journal)
        XCTAssertEqual([again.restored, again.alreadyOld, again.changed], [0, 6, 0])
    }

    func testRollbackLeavesRowsChangedSinceAlone() throws {
        let db = try demo()
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let journal = dir + "/j.journal"
        try migrate(tc, journal: journal)
        try db.sql("UPDATE tcneo_user_option SET value = 'v2:re-enrolled' WHERE username = 'asmith' AND `option` = 'secret'")
        let outcome = try rollback(tc, journal: journal)
        XCTAssertEqual([outcome.restored, outcome.changed], [1, 1])
        XCTAssertEqual(outcome.changedRows.map(\.username), ["asmith"])
        XCTAssertEqual(try db.secretValues()["asmith"], "v2:re-enrolled")
        XCTAssertEqual(try db.secretValues()["bwayne"], SecretFixtures.vectors[2].legacy)
    }

    /// A run cut off after journaling a batch: some rows of it were written, some not.
    func testCutOffBatchIsReconciledThenFinished() throws {
        let db = try emptySchema()
        try db.insertLegacySecrets(10)
        let original = try db.secretValues()
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let codec = try SecretCodec(key: key)
        let journal = dir + "/j.journal"
        let writer = try JournalWriter(path: journal)
        writer.append(.header(JournalHeader(job: "job", run: "r1", mode: .migrate, database: db.name, prefix: "tcneo_", started: "t")))
        writer.append(.batch(run: "r1", number: 1, table: "user_option", rows: 4))
        for id in 1...4 {
            let old = original["u\(id)"]!
            let new = try codec.encryptV2(PlainSecret(base32: SecretFixtures.secret(ofUser: id))!)
            writer.appendRow(table: "user_option", id: Int64(id), username: "u\(id)", old: old, new: new)
            // The UPDATE had reached rows 1 and 2 when the process died.
            if id <= 2 { try db.sql("UPDATE tcneo_user_option SET value = '\(new)' WHERE id = \(id)") }
        }
        try writer.sync()

        let scan = try JournalScan.read(journal)
        XCTAssertEqual(scan.openBatch?.rows.count, 4)
        let migration = try SecretMigration(db: tc, currentKey: key)
        let resumed = try JournalWriter(path: journal, truncatingTo: scan.goodLength)
        let settled = try migration.reconcile(scan.openBatch!, journal: resumed)
        XCTAssertEqual([settled.applied, settled.voided], [2, 2])
        resumed.append(.header(JournalHeader(job: "job", run: "r2", mode: .migrate, database: db.name, prefix: "tcneo_", started: "t")))
        try resumed.sync()
        let result = try migration.run(try migration.survey(keepingCandidates: true), journalPath: journal, run: "r2")
        XCTAssertEqual(result.migrated, 8)
        XCTAssertEqual(result.tables[0].counts.target, 2)
        for (user, classification) in try decrypted(db, key: key) {
            guard case .decrypted(.v2, let secret) = classification else { return XCTFail("\(user): \(classification)") }
            XCTAssertEqual(secret.base32, SecretFixtures.secret(ofUser: Int(user.dropFirst())!))
        }
        XCTAssertEqual(try JournalScan.read(journal).state, .complete)

        // Rollback: the voided records (never written) are skipped, not reported as changed.
        let outcome = try rollback(tc, journal: journal)
        XCTAssertEqual([outcome.records, outcome.restored, outcome.changed], [10, 10, 0])
        XCTAssertEqual(try db.secretValues(), original)
    }

    func testValuesTooLongForTheBatchStatementAndTheUnionForm() throws {
        let db = try emptySchema()
        try db.insertLegacySecrets(20)
        // PHP's base64 decoder skips whitespace: a padded legacy value still decrypts.
        let padded = "XraUVNCHqwUiKRo/hF5VqL/GjqaKGrBc" + String(repeating: " ", count: 300) + "XHyhDC+llqL0xur4lfCaxfIYQqL4LxCx"
        try db.sql("UPDATE tcneo_user_option SET value = '\(padded)' WHERE username = 'u6'")
        let original = try db.secretValues()
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let journal = dir + "/j.journal"
        XCTAssertEqual(try migrate(tc, journal: journal, batchSize: 7).migrated, 20)
        guard case .decrypted(.v2, let secret) = try decrypted(db, key: key)["u6"] else { return XCTFail("u6 not migrated") }
        XCTAssertEqual(secret.base32, SecretFixtures.vectors[0].secret)
        XCTAssertEqual(try rollback(tc, journal: journal).restored, 20)
        XCTAssertEqual(try db.secretValues(), original)

        // Both forms (JSON_TABLE, and UNION ALL for servers without it), with batches padded
        // up to the statement's size (3 rows in a statement for 4).
        for form in [CompareAndSet.Form.unionAll, .jsonTable] {
            let cas = CompareAndSet(db: tc, batchSize: 5)
            cas.form = form
            let now = try db.secretValues()
            let rows: [(Int64, String, String)] = [(1, now["u1"]!, "v2:one\(form)"), (2, "not-the-value", "v2:two"),
                                                   (3, now["u3"]!, "v2:three\(form)")]
            XCTAssertEqual(try cas.apply(table: "user_option", rows), 2, "\(form)")
            let values = try db.secretValues()
            XCTAssertEqual([values["u1"], values["u2"], values["u3"], values["u4"]],
                           ["v2:one\(form)", now["u2"], "v2:three\(form)", now["u4"]], "\(form)")
        }
    }

    func testAdvisoryLockKeepsASecondRunOut() throws {
        let db = try demo()
        let first = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let second = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        try MigrationLock(db: first).acquire()
        XCTAssertThrowsError(try MigrationLock(db: second).acquire()) { error in
            guard case MigrationError.lockHeld(let connection)? = error as? MigrationError else { return XCTFail("\(error)") }
            XCTAssertEqual(connection, Int64(first.connection.threadID))
        }
        MigrationLock(db: first).release()
        XCTAssertNoThrow(try MigrationLock(db: second).acquire())
        XCTAssertEqual(try MigrationLock(db: first).holder(), Int64(second.connection.threadID))
    }

    func testAuditRowHonoursTheSwitchAndTheSchema() throws {
        let db = try demo()
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        try AuditLog(tc, actor: "tcadmin:tester").record(.database, "e1")
        XCTAssertEqual(try db.sql("SELECT COUNT(*) FROM tcneo_log").trimmingCharacters(in: .whitespacesAndNewlines), "0",
                       "no logDatabase row: the switch is off")
        try db.sql("INSERT INTO tcneo_config (name, value) VALUES ('logDatabase', '1')")
        try AuditLog(tc, actor: "tcadmin:" + String(repeating: "x", count: 60)).record(.database, "2FA secrets migrated to v2: 3 rows (tcadmin)")
        let row = try db.sql("SELECT type, ip, user, event, timestamp > NOW() - INTERVAL 1 MINUTE FROM tcneo_log")
        XCTAssertEqual(row, "logDatabase\tcli\ttcadmin:\(String(repeating: "x", count: 32))\t2FA secrets migrated to v2: 3 rows (tcadmin)\t1\n")

        let old = try TestServer.shared().createDatabase([TestPaths.sql("schema-4.x.sql")], prefix: "tc4_")
        try old.sql("INSERT INTO tc4_config (name, value) VALUES ('logDatabase', '1')")
        let tc4 = try TeamCalDatabase(connection: try old.connect(), prefix: "tc4_")
        XCTAssertFalse(tc4.schema.hasLogIP)
        try AuditLog(tc4, actor: "tcadmin:tester").record(.database, "e4")
        XCTAssertEqual(try old.sql("SELECT user, event FROM tc4_log"), "tcadmin:tester\te4\n")
    }

    /// A writer re-enrolls users while the migration runs; whatever it wrote must survive.
    func testConcurrentWriterIsNeverOverwritten() throws {
        let db = try emptySchema()
        let users = 50_000
        try db.insertLegacySecrets(users, otherOptions: 2)
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let options = db.server.options(database: db.name)
        let shared = ConcurrentWriter()
        let done = DispatchSemaphore(value: 0)
        Thread {
            defer { done.signal() }
            do {
                let connection = try Connection(options)
                let codec = try SecretCodec(key: InstallationKey(SecretFixtures.appKey))
                let secret = PlainSecret(base32: "REENROLLEDREENROLLEDREENROLLED22")!
                let update = try connection.prepare("UPDATE tcneo_user_option SET value = ? WHERE username = ? AND `option` = 'secret'")
                while !shared.stop.load(ordering: .relaxed) {
                    let user = "u\(Int.random(in: 1...users))"
                    let value = try codec.encryptV2(secret)
                    try update.execute([value, user])
                    shared.written.withLock { $0[user] = value }
                }
            } catch {
                shared.failure.withLock { $0 = "\(error)" }
            }
        }.start()
        Thread.sleep(forTimeInterval: 0.05)
        let result = try migrate(tc, journal: dir + "/j.journal", batchSize: 200)
        shared.stop.store(true, ordering: .relaxed)
        done.wait()
        XCTAssertNil(shared.failure.withLock { $0 })

        let written = shared.written.withLock { $0 }
        XCTAssertGreaterThan(written.count, 20, "the writer must have raced the migration")
        print("concurrent writer: \(written.count) rows re-enrolled during the run, \(result.changed) of them between read and write")
        let codec = try SecretCodec(key: key)
        let values = try db.secretValues()
        XCTAssertEqual(values.count, users)
        for (user, value) in values {
            if let mine = written[user] {
                XCTAssertEqual(value, mine, "\(user): the writer's value was overwritten")
                continue
            }
            guard case .decrypted(.v2, let secret) = try codec.classify(value) else { return XCTFail("\(user) not migrated") }
            XCTAssertEqual(secret.base32, SecretFixtures.secret(ofUser: Int(user.dropFirst())!))
        }
        XCTAssertEqual(result.migrated + result.tables[0].counts.target + result.changed, users)
        XCTAssertEqual(Set(result.changedRows.map(\.username)).subtracting(written.keys), [], "only the writer's rows are reported")
    }
}

/// What the concurrent writer shares with the test.
final class ConcurrentWriter: Sendable {
    let stop = Atomic<Bool>(false)
    let written = Mutex<[String: String]>([:])
    let failure = Mutex<String?>(nil)
}

/// Batches by id: every row to migrate exactly once, whatever its user name or id.
final class MigrationBatchTests: XCTestCase {
    func testRowIDsGiveEveryIDBackInOrderInBatches() {
        let all: [Int64] = [9, -7, 3, 4_294_967_295, 4_294_967_296, 0, 12, 5, -1, 2_147_483_647, .max, .min, 13, 14]
        var ids = RowIDs()
        for id in all { ids.append(id) }
        XCTAssertEqual(ids.count, all.count)
        for size in [1, 2, 3, 100] {
            var reader = ids.reader()
            var batches: [[Int64]] = []
            while case let batch = reader.next(size), !batch.isEmpty { batches.append(batch) }
            XCTAssertTrue(batches.allSatisfy { $0.count <= size })
            XCTAssertEqual(batches.flatMap { $0 }, all, "batch size \(size)")
        }
        var empty = RowIDs().reader()
        XCTAssertEqual(empty.next(10), [])
    }

    func testIDsFoundNearlyInOrderTakeAboutAByteEach() {
        var ids = RowIDs()
        var id: Int64 = 1000
        for i in 0..<300_000 {
            id += Int64(1 + i % 40)
            ids.append(i % 1000 == 0 ? id - 5000 : id)
        }
        XCTAssertLessThan(ids.byteCount, 330_000, "300,000 ids in about a byte each")
        var reader = ids.reader()
        var n = 0
        while case let batch = reader.next(1000), !batch.isEmpty { n += batch.count }
        XCTAssertEqual(n, 300_000)
    }
}
