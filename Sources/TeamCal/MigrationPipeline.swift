import Dispatch
import Glibc
import Synchronization
import TCDatabase

/// One batch on its way from the reading side (page read, decrypt, encrypt, verify, journal
/// records encoded) to the writing side (journal synced, then the compare-and-set UPDATE).
struct PreparedBatch: Sendable {
    struct Item: Sendable {
        let id: Int64
        let username: String
        let old: String
        let new: String
    }

    let number: Int
    let table: String
    let items: [Item]
    /// The B and R records of the batch, encoded.
    let records: [UInt8]
}

/// A bounded queue between two threads: `send` waits while `capacity` batches are queued,
/// so memory stays flat however many rows there are.
final class BatchChannel: Sendable {
    enum Message: Sendable {
        case batch(PreparedBatch)
        /// No more batches; the run went through every row when `complete`.
        case finish(complete: Bool, undecryptable: Int)
    }

    private let queue = Mutex<[Message]>([])
    private let available = DispatchSemaphore(value: 0)
    private let slots: DispatchSemaphore

    init(capacity: Int) {
        slots = DispatchSemaphore(value: capacity)
    }

    func send(_ message: Message) {
        slots.wait()
        queue.withLock { $0.append(message) }
        available.signal()
    }

    func receive() -> Message {
        available.wait()
        let message = queue.withLock { $0.removeFirst() }
        slots.signal()
        return message
    }
}

/// What the writing side has done so far, read by the reading side for progress and at the end.
final class WriterState: Sendable {
    struct Counts: Sendable {
        var migrated: [String: Int] = [:]
        var changed: [String: Int] = [:]
        var changedRows: [ChangedRow] = []
        var batches = 0
        var failure: (any Error)?
        /// Set by the reading side when it fails: the writer stops before its next batch.
        var abandoned = false

        var totalMigrated: Int { migrated.values.reduce(0, +) }
        var totalChanged: Int { changed.values.reduce(0, +) }
    }

    let counts = Mutex(Counts())
    let done = DispatchSemaphore(value: 0)
}

/// The writing side: its own connection (so the server works on one batch's UPDATE while the
/// next batch is read and encrypted), the journal, the compare-and-set statements.
struct MigrationWriter: Sendable {
    let options: ConnectionOptions
    let prefix: String
    let journalPath: String
    let run: String
    let batchSize: Int
    let pause: Double
    let lockName: String

    /// Runs on its own thread until `.finish`; reports into `state`, signals `state.done`.
    func start(_ channel: BatchChannel, _ state: WriterState) {
        let writer = self
        DispatchQueue.global().async {
            writer.work(channel, state)
            state.done.signal()
        }
    }

    private func work(_ channel: BatchChannel, _ state: WriterState) {
        var failed = false
        var journal: JournalWriter?
        var cas: CompareAndSet?
        do {
            let db = try TeamCalDatabase(connection: try Connection(options), prefix: prefix)
            // The writer's own lock: a second migration finds it taken while this connection lives.
            guard try db.connection.scalar("SELECT GET_LOCK(\(MigrationLock.expression), 0)", [lockName, lockName, lockName]) == "1" else {
                throw MigrationError.lockHeld(connection: nil)
            }
            journal = try JournalWriter(path: journalPath)
            cas = CompareAndSet(db: db, batchSize: batchSize)
        } catch {
            fail(error, state)
            failed = true
        }
        while true {
            switch channel.receive() {
            case .batch(let batch):
                if failed || state.counts.withLock({ $0.abandoned }) { continue }
                do {
                    try write(batch, journal!, cas!, state)
                    if pause > 0 { usleep(UInt32(pause * 1_000_000)) }
                } catch {
                    fail(error, state)
                    failed = true
                }
            case let .finish(complete, undecryptable):
                guard !failed, complete, let journal else { return }
                let counts = state.counts.withLock { $0 }
                journal.append(.end(run: run, migrated: counts.totalMigrated, changed: counts.totalChanged,
                                    undecryptable: undecryptable, time: JournalWriter.timestamp()))
                do { try journal.sync() } catch { fail(error, state) }
                return
            }
        }
    }

    private func fail(_ error: any Error, _ state: WriterState) {
        state.counts.withLock { if $0.failure == nil { $0.failure = error } }
    }

    /// Journal first, durably; only then the database; then confirm what took.
    private func write(_ batch: PreparedBatch, _ journal: JournalWriter, _ cas: CompareAndSet, _ state: WriterState) throws {
        journal.appendEncoded(batch.records)
        try journal.sync()
        let affected = try cas.apply(table: batch.table, batch.items.map { ($0.id, $0.old, $0.new) })
        var applied = batch.items.count
        var changed: [PreparedBatch.Item] = []
        if affected != UInt64(batch.items.count) {
            // Some rows did not take: find out which, and never write them.
            let values = try cas.currentValues(table: batch.table, ids: batch.items.map(\.id))
            applied = 0
            for item in batch.items {
                if sameBytes(values[item.id], item.new) {
                    applied += 1
                } else {
                    journal.append(.void(table: batch.table, id: item.id, new: item.new))
                    changed.append(item)
                }
            }
        }
        // Synced with the next batch's records: a confirmation lost in a crash is recovered
        // from the rows themselves on resume.
        journal.append(.committed(run: run, number: batch.number, applied: applied, notApplied: batch.items.count - applied))
        state.counts.withLock { counts in
            counts.migrated[batch.table, default: 0] += applied
            counts.changed[batch.table, default: 0] += changed.count
            counts.batches += 1
            for item in changed where counts.changedRows.count < SecretMigration.listLimit {
                counts.changedRows.append(ChangedRow(table: batch.table, id: item.id, username: item.username))
            }
        }
    }
}
