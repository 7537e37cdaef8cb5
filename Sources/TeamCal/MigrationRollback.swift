import Dispatch
import Glibc
import TCDatabase

/// What a rollback did (or, in a dry run, would do).
public struct RollbackOutcome: Sendable {
    /// Row records considered (voided records, never applied, are not counted).
    public var records = 0
    /// Rows given back their journaled old value (dry run: rows that would be).
    public var restored = 0
    /// Rows that already hold their old value (restored before, or never written).
    public var alreadyOld = 0
    /// Rows that hold neither value: changed since the migration, left alone.
    public var changed = 0
    /// The first `SecretMigration.listLimit` of them.
    public var changedRows: [ChangedRow] = []
    public var seconds = 0.0
}

/// Undoes a migration job from its journal: walking the records from the last back to the
/// first, each row gets its old stored value back — byte for byte — wherever it still holds
/// the value the migration wrote (compare-and-set, batched like the migration). Rows changed
/// since are reported and left alone. Running it again is harmless.
public final class SecretRollback {
    public static let tables: Set<String> = ["user_option", "archive_user_option"]

    public let db: TeamCalDatabase
    public let scan: JournalScan
    public let batchSize: Int
    private let cas: CompareAndSet

    public init(db: TeamCalDatabase, scan: JournalScan, batchSize: Int = SecretMigration.defaultBatchSize) {
        self.db = db
        self.scan = scan
        self.batchSize = min(max(batchSize, 1), SecretMigration.maximumBatchSize)
        cas = CompareAndSet(db: db, batchSize: self.batchSize)
    }

    /// The journal's header names this database and prefix: it belongs here.
    public var matchesDatabase: Bool {
        guard let header = scan.header else { return false }
        return header.database == db.schema.database && header.prefix == db.schema.prefix
    }

    /// Fails (access denied) before anything is written when the account cannot write.
    public func checkWritePermission() throws {
        for table in Self.tables.sorted() where db.schema.has(table) {
            try db.connection.execute("UPDATE \(db.table(table)) SET value = value WHERE 1 = 0")
        }
    }

    private struct VoidKey: Hashable {
        let table: String
        let id: Int64
        let new: String
    }

    private struct Stop: Error {}

    public func run(dryRun: Bool, progress: (RollbackOutcome) -> Void = { _ in }) throws -> RollbackOutcome {
        var outcome = RollbackOutcome()
        let started = DispatchTime.now().uptimeNanoseconds
        var voids = Set<VoidKey>()
        var table: String?
        var rows: [JournalRow] = []
        var ids = Set<Int64>()
        rows.reserveCapacity(batchSize)

        func flush() throws {
            guard let table, !rows.isEmpty else { return }
            if dryRun {
                let values = try cas.currentValues(table: table, ids: rows.map(\.id))
                for row in rows {
                    if sameBytes(values[row.id], row.new) { outcome.restored += 1 }
                    else if sameBytes(values[row.id], row.old) { outcome.alreadyOld += 1 }
                    else { changed(row) }
                }
            } else {
                let affected = Int(try cas.apply(table: table, rows.map { ($0.id, $0.new, $0.old) }))
                outcome.restored += affected
                if affected != rows.count {
                    let values = try cas.currentValues(table: table, ids: rows.map(\.id))
                    var holdingOld = 0
                    for row in rows {
                        if sameBytes(values[row.id], row.old) { holdingOld += 1 } else { changed(row) }
                    }
                    outcome.alreadyOld += max(0, holdingOld - affected)
                }
            }
            outcome.records += rows.count
            rows.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            progress(outcome)
        }

        func changed(_ row: JournalRow) {
            outcome.changed += 1
            if outcome.changedRows.count < SecretMigration.listLimit {
                outcome.changedRows.append(ChangedRow(table: row.table, id: row.id, username: row.username))
            }
        }

        do {
            try JournalScan.reverse(scan.path, length: scan.goodLength) { record in
                switch record {
                case .rolledBack:
                    // Everything before it was undone already.
                    throw Stop()
                case let .void(t, id, new):
                    voids.insert(VoidKey(table: t, id: id, new: new))
                case .row(let row):
                    if voids.remove(VoidKey(table: row.table, id: row.id, new: row.new)) != nil { return }
                    // A table name from a file is spliced into SQL only if it is one of ours.
                    guard Self.tables.contains(row.table), db.schema.has(row.table) else {
                        throw JournalError.corrupt(path: scan.path, line: 0, reason: "a record for table '\(row.table.prefix(40))'")
                    }
                    // One UPDATE must not name a row twice: a row journaled again lands in the next batch.
                    if row.table != table || ids.contains(row.id) || rows.count >= batchSize { try flush() }
                    table = row.table
                    rows.append(row)
                    ids.insert(row.id)
                default:
                    break
                }
            }
        } catch is Stop {}
        try flush()
        outcome.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return outcome
    }
}
