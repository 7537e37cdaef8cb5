import Dispatch
import Glibc
import Synchronization
import TCCrypto
import TCDatabase

/// What a migration makes of the stored secrets.
public enum MigrationMode: String, Sendable {
    /// Legacy (AES-128-ECB) values become v2 under the current installation key.
    case migrate
    /// Every value becomes v2 under a new installation key.
    case rekey
}

/// The `secret` rows of one table, by what the migration does with them.
public struct MigrationCounts: Sendable, Equatable {
    /// Already in the target format (v2 under the target key): skipped.
    public var target = 0
    /// Legacy values that decrypt: migrated.
    public var legacy = 0
    /// (Re-key) v2 values under the current key: migrated.
    public var v2CurrentKey = 0
    /// `''`, `'0'` or NULL: nothing to migrate.
    public var notEnrolled = 0
    /// Values no key decrypts: left untouched and listed.
    public var undecryptable = 0

    public init() {}

    public var toMigrate: Int { legacy + v2CurrentKey }
    public var decryptable: Int { target + toMigrate }
    public var enrolled: Int { decryptable + undecryptable }
    public var stored: Int { enrolled + notEnrolled }

    public static func + (a: MigrationCounts, b: MigrationCounts) -> MigrationCounts {
        var c = MigrationCounts()
        c.target = a.target + b.target
        c.legacy = a.legacy + b.legacy
        c.v2CurrentKey = a.v2CurrentKey + b.v2CurrentKey
        c.notEnrolled = a.notEnrolled + b.notEnrolled
        c.undecryptable = a.undecryptable + b.undecryptable
        return c
    }
}

/// The plan: every stored secret in scope classified, nothing written.
public struct MigrationSurvey: Sendable {
    public var tables: [(table: String, counts: MigrationCounts)] = []
    /// The first `SecretMigration.listLimit` undecryptable rows (never their values).
    public var undecryptable: [SecretCensus.Undecryptable] = []
    /// Per table, the ids of the rows to migrate (when the survey was asked to keep them).
    var candidates: [String: RowIDs] = [:]

    public var total: MigrationCounts { tables.reduce(MigrationCounts()) { $0 + $1.counts } }

    /// The key is proven when some stored value decrypts with it (or nothing is enrolled):
    /// a wrong key decrypts nothing, since a value must also unpad to a base32 secret.
    public var provesKey: Bool { total.enrolled == 0 || total.decryptable > 0 }

    /// More values fail than decrypt: worth a warning, though each value is judged alone.
    public var keyDoubtful: Bool { total.undecryptable > total.decryptable }
}

/// A row the migration did not write because it changed between read and write.
public struct ChangedRow: Sendable, Equatable {
    public let table: String
    public let id: Int64
    public let username: String
}

public struct MigrationProgress: Sendable {
    public let migrated: Int
    public let changed: Int
    public let seconds: Double
}

/// What an executed run did.
public struct MigrationResult: Sendable {
    public struct TableResult: Sendable {
        public let table: String
        /// What the run found, row by row, as it went (it may differ from the survey).
        public var counts = MigrationCounts()
        public var migrated = 0
        public var changed = 0
    }

    public var tables: [TableResult] = []
    /// The first `SecretMigration.listLimit` rows changed during the run.
    public var changedRows: [ChangedRow] = []
    public var batches = 0
    public var seconds = 0.0

    public var migrated: Int { tables.reduce(0) { $0 + $1.migrated } }
    public var changed: Int { tables.reduce(0) { $0 + $1.changed } }
    public var undecryptable: Int { tables.reduce(0) { $0 + $1.counts.undecryptable } }
}

/// How a batch cut off by the previous run was settled.
public struct Reconciliation: Sendable {
    public let table: String
    public let batch: Int
    public let rows: Int
    /// Rows that hold the value the cut-off run wrote.
    public let applied: Int
    /// Rows that do not: their journal records are voided; the rows are migrated afresh.
    public let voided: Int
}

public enum MigrationError: Error, Sendable {
    /// Another migration holds the database's advisory lock (its connection id, if known).
    case lockHeld(connection: Int64?)
    /// A freshly encrypted value did not decrypt to the same secret. Never expected.
    case verificationFailed(table: String, id: Int64)
}

/// Row ids in the order they were found, each stored as the zigzag varint of its difference
/// from the one before: ids found along an index come nearly in order, so most take one
/// byte. A run keeps the ids of the rows it migrates, not the rows, and in this form they do
/// not change its memory: 300,000 legacy secrets take about 300 KB instead of 2.4 MB.
struct RowIDs: Sendable {
    private var bytes: [UInt8] = []
    private var last: Int64 = 0
    private(set) var count = 0
    /// The memory the ids take.
    var byteCount: Int { bytes.count }

    mutating func append(_ id: Int64) {
        let delta = id &- last
        var zigzag = UInt64(bitPattern: (delta << 1) ^ (delta >> 63))
        while zigzag >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
        last = id
        count += 1
    }

    /// Reads the ids back in order, a batch at a time.
    struct Reader {
        fileprivate let ids: RowIDs
        fileprivate var offset = 0
        fileprivate var last: Int64 = 0

        /// The next at most `size` ids; empty at the end.
        mutating func next(_ size: Int) -> [Int64] {
            var batch: [Int64] = []
            batch.reserveCapacity(min(size, ids.count))
            while batch.count < size && offset < ids.bytes.count {
                var zigzag: UInt64 = 0
                var shift: UInt64 = 0
                while true {
                    let byte = ids.bytes[offset]
                    offset += 1
                    zigzag |= UInt64(byte & 0x7F) << shift
                    if byte < 0x80 { break }
                    shift += 7
                }
                last = last &+ (Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1))
                batch.append(last)
            }
            return batch
        }
    }

    func reader() -> Reader { Reader(ids: self) }
}

/// Migrates the stored 2FA secrets of a TeamCal Neo database in batches, safely on MyISAM
/// (no transactions). The survey reads every secret row in one pass along the app's `option`
/// index and keeps the ids of the rows to migrate; then, per batch of those ids in turn:
/// read those rows by primary key, decrypt, encrypt v2 with a fresh IV, verify, journal
/// (synced) — then one compare-and-set UPDATE for the whole batch, which writes a row only if
/// it still holds the value that was read; then confirm what took.
///
/// Not Sendable: it owns prepared statements of its connection and the codecs. `run` starts
/// a writer thread of its own, with its own connection.
public final class SecretMigration {
    public static let defaultBatchSize = 1000
    /// The compare-and-set UPDATE binds up to four values a row (on servers without
    /// JSON_TABLE); MariaDB allows 65,535 in one statement.
    public static let maximumBatchSize = 16_000
    /// At most this many undecryptable or changed rows are kept for the report.
    public static let listLimit = 1000

    public let db: TeamCalDatabase
    public let mode: MigrationMode
    /// Unprefixed table names in scope.
    public let tables: [String]
    public let batchSize: Int
    private let current: SecretCodec
    /// The codec of the key values are written under: the current one, or the new one.
    private let target: SecretCodec
    private let cas: CompareAndSet

    public init(db: TeamCalDatabase, currentKey: InstallationKey, newKey: InstallationKey? = nil,
                includeArchive: Bool = false, batchSize: Int = SecretMigration.defaultBatchSize) throws {
        self.db = db
        mode = newKey == nil ? .migrate : .rekey
        var tables = ["user_option"]
        if includeArchive && db.schema.has("archive_user_option") { tables.append("archive_user_option") }
        self.tables = tables
        self.batchSize = min(max(batchSize, 1), Self.maximumBatchSize)
        current = try SecretCodec(key: currentKey)
        target = try newKey.map { try SecretCodec(key: $0) } ?? current
        cas = CompareAndSet(db: db, batchSize: self.batchSize)
    }

    // MARK: Classification

    enum Verdict {
        case notEnrolled
        case target
        case candidate(PlainSecret, SecretFormat)
        case undecryptable(SecretFormat, UndecryptableReason)
    }

    func verdict(_ stored: UnsafeRawBufferPointer?) throws -> Verdict {
        guard let stored else { return .notEnrolled }
        if mode == .rekey {
            switch try target.classify(bytes: stored) {
            case .notEnrolled: return .notEnrolled
            case .decrypted(.v2, _): return .target
            case .decrypted(let format, let secret): return .candidate(secret, format)
            case .undecryptable: break
            }
        }
        switch try current.classify(bytes: stored) {
        case .notEnrolled: return .notEnrolled
        case .decrypted(.v2, let secret): return mode == .migrate ? .target : .candidate(secret, .v2)
        case .decrypted(let format, let secret): return .candidate(secret, format)
        case .undecryptable(let format, let reason): return .undecryptable(format, reason)
        }
    }

    private func count(_ verdict: Verdict, into counts: inout MigrationCounts) {
        switch verdict {
        case .notEnrolled: counts.notEnrolled += 1
        case .target: counts.target += 1
        case .candidate(_, .v2): counts.v2CurrentKey += 1
        case .candidate(_, .legacyECB): counts.legacy += 1
        case .undecryptable: counts.undecryptable += 1
        }
    }

    // MARK: Plan

    /// Classifies every secret in scope; writes nothing. With `keepingCandidates`, the survey
    /// also keeps the ids of the rows to migrate, which `run` works through.
    ///
    /// One statement per table, streamed: it reads the secret rows along the app's `option`
    /// index, five times faster than paging along (username, option), and MyISAM holds its
    /// read lock only as long as the server takes to read them (the client keeps up).
    /// `progress` gets the number of rows read so far, every 10,000 rows.
    public func survey(keepingCandidates: Bool = false, progress: (Int) -> Void = { _ in }) throws -> MigrationSurvey {
        var survey = MigrationSurvey()
        var read = 0
        for table in tables {
            var counts = MigrationCounts()
            var candidates = RowIDs()
            try db.connection.query("SELECT id, username, value FROM \(db.table(table)) WHERE `option` = 'secret'") { row in
                let verdict = try row.withBytes(2) { try self.verdict($0) }
                self.count(verdict, into: &counts)
                switch verdict {
                case .candidate:
                    if keepingCandidates { candidates.append(row.int(0) ?? 0) }
                case let .undecryptable(format, reason) where survey.undecryptable.count < Self.listLimit:
                    survey.undecryptable.append(SecretCensus.Undecryptable(
                        table: table, id: row.int(0) ?? 0, username: row.string(1) ?? "", format: format, reason: reason))
                default:
                    break
                }
                read += 1
                if read % 10_000 == 0 { progress(read) }
            }
            survey.tables.append((table, counts))
            if keepingCandidates { survey.candidates[table] = candidates }
        }
        progress(read)
        return survey
    }

    // MARK: Privileges

    /// Fails (access denied) before anything is journaled when the account cannot write.
    public func checkWritePermission() throws {
        for table in tables {
            try db.connection.execute("UPDATE \(db.table(table)) SET value = value WHERE 1 = 0")
        }
    }

    // MARK: Resuming

    /// Settles the batch a previous run journaled but did not confirm: each row either holds
    /// the value that run wrote (applied) or not (its record is voided, so a rollback leaves
    /// the row alone; if it still needs migrating, this run does it with a fresh record).
    public func reconcile(_ batch: JournalScan.OpenBatch, journal: JournalWriter) throws -> Reconciliation {
        var applied = 0
        var voided = 0
        for start in stride(from: 0, to: batch.rows.count, by: 1000) {
            let slice = batch.rows[start..<min(start + 1000, batch.rows.count)]
            let values = try cas.currentValues(table: batch.table, ids: slice.map(\.id))
            for row in slice {
                if sameBytes(values[row.id], row.new) {
                    applied += 1
                } else {
                    voided += 1
                    journal.append(.void(table: row.table, id: row.id, new: row.new))
                }
            }
        }
        journal.append(.reconciled(run: batch.run, number: batch.number, applied: applied, voided: voided))
        try journal.sync()
        return Reconciliation(table: batch.table, batch: batch.number, rows: batch.rows.count, applied: applied, voided: voided)
    }

    // MARK: Running

    /// Migrates the rows the survey (taken `keepingCandidates`) found to migrate, appending to
    /// the journal at `journalPath` (opened, with this run's header synced, by the caller; the
    /// caller does not write to it until this returns). Batches are numbered from `firstBatch`.
    /// Each row is read again and judged afresh: one that changed since the survey is migrated
    /// as it is now, or skipped when it no longer needs it. (A row that needs migrating only
    /// since the survey is left for the next run: the app itself writes v2.)
    ///
    /// Two threads: this one reads each batch (by primary key), decrypts,
    /// encrypts, verifies and encodes its journal records; a writer with its own connection
    /// syncs the records and only then runs the batch's compare-and-set UPDATE and confirms it.
    /// At most two batches wait between them, so memory does not grow with the table.
    public func run(_ survey: MigrationSurvey, journalPath: String, run: String, firstBatch: Int = 1, pause: Double = 0,
                    progress: (MigrationProgress) -> Void = { _ in }) throws -> MigrationResult {
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        let channel = BatchChannel(capacity: 2)
        let state = WriterState()
        MigrationWriter(options: db.connection.options, prefix: db.schema.prefix, journalPath: journalPath, run: run,
                        batchSize: batchSize, pause: pause, lockName: MigrationLock(db: db).writerName).start(channel, state)

        var found: [String: MigrationCounts] = [:]
        var batchNumber = firstBatch
        var readFailure: (any Error)?
        var writerStopped = false
        do {
            tables: for table in tables {
                // What the survey found, with the rows to migrate counted again as they are read.
                var counts = survey.tables.first { $0.table == table }?.counts ?? MigrationCounts()
                counts.legacy = 0
                counts.v2CurrentKey = 0
                defer { found[table] = counts }
                var candidates = (survey.candidates[table] ?? RowIDs()).reader()
                while true {
                    let ids = candidates.next(batchSize)
                    if ids.isEmpty { break }
                    if state.counts.withLock({ $0.failure != nil }) {
                        writerStopped = true
                        break tables
                    }
                    var items: [PreparedBatch.Item] = []
                    items.reserveCapacity(ids.count)
                    try cas.rows(table: table, ids: ids) { row in
                        let id = row.int(0) ?? 0
                        let verdict = try row.withBytes(2) { try self.verdict($0) }
                        self.count(verdict, into: &counts)
                        guard case let .candidate(secret, _) = verdict else { return }
                        let new = try self.target.encryptV2(secret)
                        // The value written must give back the very same secret.
                        guard case let .decrypted(.v2, check) = try self.target.classify(new), check == secret else {
                            throw MigrationError.verificationFailed(table: table, id: id)
                        }
                        items.append(PreparedBatch.Item(id: id, username: row.string(1) ?? "", old: row.string(2) ?? "", new: new))
                    }
                    if !items.isEmpty {
                        var records: [UInt8] = []
                        records.reserveCapacity(items.count * 220 + 64)
                        JournalCodec.encode(.batch(run: run, number: batchNumber, table: table, rows: items.count), into: &records)
                        for item in items {
                            JournalCodec.encodeRow(table: table, id: item.id, username: item.username, old: item.old,
                                                   new: item.new, into: &records)
                        }
                        channel.send(.batch(PreparedBatch(number: batchNumber, table: table, items: items, records: records)))
                        batchNumber += 1
                        let (migrated, changed) = state.counts.withLock { ($0.totalMigrated, $0.totalChanged) }
                        progress(MigrationProgress(migrated: migrated, changed: changed, seconds: elapsed()))
                    }
                }
            }
        } catch {
            readFailure = error
            state.counts.withLock { $0.abandoned = true }
        }
        let undecryptable = found.values.reduce(0) { $0 + $1.undecryptable }
        channel.send(.finish(complete: readFailure == nil && !writerStopped, undecryptable: undecryptable))
        state.done.wait()
        let written = state.counts.withLock { $0 }
        if let failure = written.failure { throw failure }
        if let readFailure { throw readFailure }

        var result = MigrationResult()
        for table in tables {
            var t = MigrationResult.TableResult(table: table)
            t.counts = found[table] ?? MigrationCounts()
            t.migrated = written.migrated[table] ?? 0
            t.changed = written.changed[table] ?? 0
            result.tables.append(t)
        }
        result.changedRows = written.changedRows
        result.batches = written.batches
        result.seconds = elapsed()
        progress(MigrationProgress(migrated: result.migrated, changed: result.changed, seconds: result.seconds))
        return result
    }
}

/// The advisory lock that keeps two migrations (or a migration and a rollback) of the same
/// database and prefix apart. It belongs to the server: it goes when the connection goes,
/// so a killed run never leaves it behind.
public struct MigrationLock {
    public let db: TeamCalDatabase

    public init(db: TeamCalDatabase) {
        self.db = db
    }

    /// Takes the lock without waiting; throws `MigrationError.lockHeld` when it is taken.
    public func acquire() throws {
        let result = try db.connection.scalar("SELECT GET_LOCK(\(Self.expression), 0)", arguments(name))
        guard result == "1" else { throw MigrationError.lockHeld(connection: try holder()) }
        // A run whose first connection was lost may still be writing its last batch.
        if let writer = try db.connection.scalar("SELECT IS_USED_LOCK(\(Self.expression))", arguments(writerName)).flatMap({ Int64($0) }) {
            release()
            throw MigrationError.lockHeld(connection: writer)
        }
    }

    public func release() {
        _ = try? db.connection.scalar("SELECT RELEASE_LOCK(\(Self.expression))", arguments(name))
    }

    /// The connection id holding the lock (or a running migration's writer), or nil when free.
    public func holder() throws -> Int64? {
        for lock in [name, writerName] {
            if let id = try db.connection.scalar("SELECT IS_USED_LOCK(\(Self.expression))", arguments(lock)).flatMap({ Int64($0) }) {
                return id
            }
        }
        return nil
    }

    /// The lock's name, e.g. `tcadmin-migrate:teamcal.tcneo_`.
    public var name: String { "tcadmin-migrate:\(db.schema.database).\(db.schema.prefix)" }

    /// The lock the writing connection of a running migration holds.
    public var writerName: String { name + ":writer" }

    /// Lock names are at most 64 characters: a longer one is hashed.
    static let expression = "IF(CHAR_LENGTH(?) <= 64, ?, CONCAT('tcadmin-migrate:', LEFT(SHA2(?, 256), 48)))"
    private func arguments(_ lock: String) -> [any ValueConvertible] { [lock, lock, lock] }
}

/// A lower-case hexadecimal digit for 0...15.
@inline(__always)
func hexDigit(_ n: UInt8) -> UInt8 { n < 10 ? 0x30 + n : 0x57 + n }

/// Stored values are compared byte for byte, as the database's BINARY comparison does.
func sameBytes(_ a: String?, _ b: String) -> Bool {
    guard let a else { return false }
    return a.utf8.elementsEqual(b.utf8)
}

/// One UPDATE for a whole batch that writes a row only where it still holds the expected
/// value. The batch travels as one JSON parameter, turned into a derived table by
/// JSON_TABLE (MariaDB 10.6+, MySQL 8); the table is read first, by the listed ids, and joined
/// to the batch on (id, value) — so the server updates each row as it finds it instead of
/// collecting the changes first (twice the work on MyISAM). Servers without JSON_TABLE get the
/// same join with the batch as a UNION ALL of rows. Statements are prepared once per table
/// and batch length, then only executed.
final class CompareAndSet {
    /// Stored values longer than this go through a one-row statement (never seen in practice:
    /// a v2 value of a 32-character secret is 91 bytes).
    static let maximumValueLength = 255

    enum Form { case jsonTable, unionAll }

    private let db: TeamCalDatabase
    private let batchSize: Int
    /// JSON_TABLE until the server turns out not to have it.
    var form: Form = .jsonTable
    private var statements: [String: [Int: Statement]] = [:]
    private var single: [String: Statement] = [:]
    /// The statements that read rows by id, by table and number of ids.
    private var byID: [String: Statement] = [:]
    private var json: [UInt8] = []

    init(db: TeamCalDatabase, batchSize: Int) {
        self.db = db
        self.batchSize = batchSize
    }

    /// `(id, expected, replacement)` per row, ids distinct; returns the rows changed.
    func apply(table: String, _ rows: [(Int64, String, String)]) throws -> UInt64 {
        var batch = rows
        var affected: UInt64 = 0
        if rows.contains(where: { $0.1.utf8.count > Self.maximumValueLength || $0.2.utf8.count > Self.maximumValueLength }) {
            batch = []
            for row in rows {
                if row.1.utf8.count > Self.maximumValueLength || row.2.utf8.count > Self.maximumValueLength {
                    affected += try applySingle(table: table, row)
                } else {
                    batch.append(row)
                }
            }
        }
        guard !batch.isEmpty else { return affected }
        // Statements come in a few sizes (powers of two up to the batch size), padded with the
        // last id (repeats in IN are harmless) and, in the UNION form, rows of id -1: a page
        // with some rows already migrated must not cost a new prepare.
        var size = 1
        while size < batch.count { size *= 2 }
        size = min(size, max(batchSize, batch.count))
        let statement = try prepared(table: table, count: size)
        var values: [Value] = []
        values.reserveCapacity(size * (form == .jsonTable ? 1 : 4) + 1)
        switch form {
        case .jsonTable:
            json.removeAll(keepingCapacity: true)
            json.append(UInt8(ascii: "["))
            for (i, (id, expected, replacement)) in batch.enumerated() {
                if i > 0 { json.append(UInt8(ascii: ",")) }
                json.append(UInt8(ascii: "["))
                json.append(contentsOf: String(id).utf8)
                json.append(UInt8(ascii: ","))
                Self.appendJSONString(expected, to: &json)
                json.append(UInt8(ascii: ","))
                Self.appendJSONString(replacement, to: &json)
                json.append(UInt8(ascii: "]"))
            }
            json.append(UInt8(ascii: "]"))
            values.append(.text(String(decoding: json, as: UTF8.self)))
        case .unionAll:
            for (id, expected, replacement) in batch {
                values.append(.int(id))
                values.append(.text(expected))
                values.append(.text(replacement))
            }
            for _ in batch.count..<size {
                values.append(.int(-1))
                values.append(.text(""))
                values.append(.text(""))
            }
        }
        for (id, _, _) in batch { values.append(.int(id)) }
        for _ in batch.count..<size { values.append(.int(batch[batch.count - 1].0)) }
        return affected + (try statement.execute(values))
    }

    private func applySingle(table: String, _ row: (Int64, String, String)) throws -> UInt64 {
        let statement: Statement
        if let s = single[table] {
            statement = s
        } else {
            statement = try db.connection.prepare("UPDATE \(db.table(table)) SET value = ? WHERE id = ? AND BINARY value = BINARY ? AND `option` = 'secret'")
            single[table] = statement
        }
        return try statement.execute([Value.text(row.2), Value.int(row.0), Value.text(row.1)])
    }

    private func prepared(table: String, count: Int) throws -> Statement {
        if let statement = statements[table]?[count] { return statement }
        var prepared: Statement?
        do {
            prepared = try db.connection.prepare(sql(table: table, count: count, form: form))
        } catch {
            // No JSON_TABLE on this server (a syntax error, or an unknown function): the UNION form.
            guard form == .jsonTable, [1064, 1305, 1149].contains(error.code) else { throw error }
        }
        if prepared == nil {
            form = .unionAll
            statements = [:]
            prepared = try db.connection.prepare(sql(table: table, count: count, form: form))
        }
        let statement = prepared!
        statements[table, default: [:]][count] = statement
        return statement
    }

    private func sql(table: String, count: Int, form: Form) -> String {
        var sql = "UPDATE \(db.table(table)) u STRAIGHT_JOIN "
        sql.reserveCapacity(count * 30 + 400)
        switch form {
        case .jsonTable:
            sql += """
                (SELECT * FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$[0]', \
                expected VARBINARY(\(Self.maximumValueLength)) PATH '$[1]', \
                replacement VARBINARY(\(Self.maximumValueLength)) PATH '$[2]')) AS j) v
                """
        case .unionAll:
            sql += "(SELECT CAST(? AS SIGNED) AS id, CAST(? AS BINARY) AS expected, CAST(? AS BINARY) AS replacement"
            for _ in 1..<count { sql += " UNION ALL SELECT ?, ?, ?" }
            sql += ") v"
        }
        sql += " ON u.id = v.id AND BINARY u.value = v.expected SET u.value = v.replacement WHERE u.`option` = 'secret' AND u.id IN (?"
        for _ in 1..<count { sql += ", ?" }
        sql += ")"
        return sql
    }

    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var plain = true
            for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { plain = false; break }
            if plain {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append(UInt8(ascii: "\\"))
                    out.append(b)
                case 0..<0x20:
                    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hexDigit(b >> 4), hexDigit(b & 0xF)])
                default:
                    out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The stored values of these ids now (a missing id was deleted).
    func currentValues(table: String, ids: [Int64]) throws -> [Int64: String] {
        var values: [Int64: String] = [:]
        for start in stride(from: 0, to: ids.count, by: 1000) {
            try rows(table: table, ids: Array(ids[start..<min(start + 1000, ids.count)])) { row in
                if let id = row.int(0) { values[id] = row.string(2) ?? "" }
            }
        }
        return values
    }

    /// The secret rows (id, username, value) with these ids, by primary key, in id order; a
    /// row deleted meanwhile is not there. One prepared statement per table and number of ids.
    func rows(table: String, ids: [Int64], _ body: (Row) throws -> Void) throws {
        let key = "\(table) \(ids.count)"
        let statement: Statement
        if let prepared = byID[key] {
            statement = prepared
        } else {
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            statement = try db.connection.prepare(
                "SELECT id, username, value FROM \(db.table(table)) WHERE id IN (\(marks)) AND `option` = 'secret' ORDER BY id")
            byID[key] = statement
        }
        try statement.query(ids.map { Value.int($0) }, body)
    }
}
