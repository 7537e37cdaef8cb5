import FoundationEssentials
import Glibc
import TCCrypto

/// The append-only file a secret migration writes before it touches a row: for every row,
/// the stored value before and the value about to be written (never a plain secret), so
/// that an interrupted run can be reconciled and a finished one rolled back.
///
/// One text line per record, fields separated by tabs, the last field the CRC-32 of
/// everything before it. Fields are percent-escaped (bytes outside `!`…`~` and `%`).
///
///     H  tcadmin-migrate-journal  1  <job>  <run>  <mode>  <database>  <prefix>  <started>
///     B  <run>  <batch>  <table>  <rows>              a batch's R records follow
///     R  <table>  <id>  <username>  <old value>  <new value>
///     C  <run>  <batch>  <applied>  <not applied>     the batch was written and confirmed
///     V  <table>  <id>  <new value>                   that R was never applied (void)
///     K  <run>  <batch>  <applied>  <voided>          a cut-off batch was reconciled on resume
///     E  <run>  <migrated>  <changed>  <undecryptable>  <time>    the run went through every row
///     U  <job>  <time>  <restored>  <already old>  <changed>     the job was rolled back
///
/// A file holds one job: the run that started it and the runs that resumed it (each
/// starts with its own H line). A torn last line (kill -9 during a write, a full disk)
/// is detected by its checksum and dropped: its batch was never written to the database,
/// because a batch's records are synced to disk before its UPDATE runs. A bad line
/// anywhere else means the file was damaged, and it is refused.
public enum JournalRecord: Equatable, Sendable {
    case header(JournalHeader)
    case batch(run: String, number: Int, table: String, rows: Int)
    case row(JournalRow)
    case committed(run: String, number: Int, applied: Int, notApplied: Int)
    case void(table: String, id: Int64, new: String)
    case reconciled(run: String, number: Int, applied: Int, voided: Int)
    case end(run: String, migrated: Int, changed: Int, undecryptable: Int, time: String)
    case rolledBack(job: String, time: String, restored: Int, alreadyOld: Int, changed: Int)
}

extension JournalRecord {
    var isHeader: Bool {
        if case .header = self { return true }
        return false
    }
}

public struct JournalHeader: Equatable, Sendable {
    public static let magic = "tcadmin-migrate-journal"
    public static let version = 1

    public let job: String
    public let run: String
    public let mode: MigrationMode
    public let database: String
    public let prefix: String
    public let started: String

    public init(job: String, run: String, mode: MigrationMode, database: String, prefix: String, started: String) {
        self.job = job
        self.run = run
        self.mode = mode
        self.database = database
        self.prefix = prefix
        self.started = started
    }
}

/// One row's change: the stored value before and the value written (both ciphertexts).
public struct JournalRow: Equatable, Sendable {
    public let table: String
    public let id: Int64
    public let username: String
    public let old: String
    public let new: String

    public init(table: String, id: Int64, username: String, old: String, new: String) {
        self.table = table
        self.id = id
        self.username = username
        self.old = old
        self.new = new
    }
}

public enum JournalError: Error, Sendable, CustomStringConvertible {
    /// The file cannot be created, opened or written (a full disk, permissions): exit 73.
    case cannotWrite(path: String, reason: String)
    /// The file cannot be read (missing, permissions).
    case cannotRead(path: String, reason: String)
    /// A line other than the last fails its checksum or does not parse: exit 65.
    case corrupt(path: String, line: Int, reason: String)
    /// The file is not a tcadmin migration journal.
    case notAJournal(path: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "cannot write the journal \(path): \(reason)"
        case let .cannotRead(path, reason): return "cannot read the journal \(path): \(reason)"
        case let .corrupt(path, line, reason): return "the journal \(path) is damaged at line \(line): \(reason)"
        case let .notAJournal(path): return "\(path) is not a tcadmin migration journal"
        }
    }
}

// MARK: - Writing

/// Appends records to a journal file (mode 0600 whatever the umask) and makes them
/// durable with `sync()`. Records are buffered in memory until then.
public final class JournalWriter {
    public let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes known to be in the file (and synced); a failed write is cut back to here.
    private var durableLength: Int64

    /// Opens (creating it when missing) for appending. `truncatingTo` drops a torn tail
    /// found by `JournalScan` before anything is appended after it.
    public init(path: String, truncatingTo length: Int64? = nil) throws(JournalError) {
        self.path = path
        let flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW
        let fd = open(path, flags, mode_t(0o600))
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: Self.reason(errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .cannotWrite(path: path, reason: "not a regular file")
        }
        // The umask may have widened the mode of an existing file: the journal holds
        // ciphertexts of every secret, so it is the owner's alone.
        if info.st_mode & 0o077 != 0, fchmod(fd, 0o600) != 0 {
            let reason = Self.reason(errno)
            close(fd)
            throw .cannotWrite(path: path, reason: "cannot make it private (chmod 600): \(reason)")
        }
        var size = Int64(info.st_size)
        if let length, length < size {
            guard ftruncate(fd, off_t(length)) == 0 else {
                let reason = Self.reason(errno)
                close(fd)
                throw .cannotWrite(path: path, reason: "cannot drop its torn last line: \(reason)")
            }
            size = length
        }
        self.fd = fd
        durableLength = size
        buffer.reserveCapacity(1 << 18)
        if info.st_size == 0 { Self.syncDirectory(of: path) }
    }

    deinit { close(fd) }

    public var isEmpty: Bool { durableLength == 0 && buffer.isEmpty }

    public func append(_ record: JournalRecord) {
        JournalCodec.encode(record, into: &buffer)
    }

    /// The fast path for the bulk of the file: one row record without building a `JournalRow`.
    public func appendRow(table: String, id: Int64, username: String, old: String, new: String) {
        JournalCodec.encodeRow(table: table, id: id, username: username, old: old, new: new, into: &buffer)
    }

    /// Records encoded elsewhere with `JournalCodec` (by the thread that reads the batch).
    func appendEncoded(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// Writes everything appended so far and waits until it is on disk.
    public func sync() throws(JournalError) {
        if !buffer.isEmpty {
            let failure: Int32? = buffer.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += n
                }
                return nil
            }
            if let failure {
                // Best effort: leave no torn line behind (the next open would drop it anyway).
                _ = ftruncate(fd, off_t(durableLength))
                buffer.removeAll(keepingCapacity: true)
                throw .cannotWrite(path: path, reason: Self.reason(failure))
            }
        }
        guard fsync(fd) == 0 else {
            let failure = errno
            _ = ftruncate(fd, off_t(durableLength))
            buffer.removeAll(keepingCapacity: true)
            throw .cannotWrite(path: path, reason: Self.reason(failure))
        }
        durableLength += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOSPC: return "no space left on the device"
        case EDQUOT: return "disk quota exceeded"
        case EFBIG: return "file too large (a file-size limit)"
        default: return String(cString: strerror(code))
        }
    }

    /// A new file's directory entry must survive a crash too.
    private static func syncDirectory(of path: String) {
        // As SecretFile finds a file's folder: "/j.journal" is in "/", "j.journal" in the working folder.
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// A fresh random identifier for a job or a run (64 bits, hex).
    public static func newIdentifier() -> String {
        let bytes = (try? SystemRandom.bytes(8)) ?? SecureBytes(count: 0)
        var text = bytes.withUnsafeBytes { $0.map { String($0 >> 4, radix: 16) + String($0 & 0xF, radix: 16) }.joined() }
        if text.isEmpty { text = String(UInt64.random(in: 0...UInt64.max), radix: 16) }
        return text
    }

    /// Now, as the journal writes times: ISO 8601 in UTC.
    public static func timestamp(_ date: Date = Date()) -> String {
        formatTime(date, "%Y-%m-%dT%H:%M:%SZ", utc: true)
    }
}

// MARK: - Reading

/// What a forward pass over a journal found: the job, its state, and the batch that was
/// cut off if the last run did not finish. Memory is bounded by one batch.
public struct JournalScan: Sendable {
    public enum State: Sendable, Equatable {
        /// No record yet (an empty file).
        case empty
        /// A run started and did not reach its end: running the same command resumes it.
        case interrupted
        /// The last run went through every row.
        case complete
        /// The job was rolled back.
        case rolledBack
    }

    /// A batch whose records were written but whose confirmation was not.
    public struct OpenBatch: Sendable {
        public let run: String
        public let number: Int
        public let table: String
        public var rows: [JournalRow]
    }

    public let path: String
    /// The job's first header (who, what, when).
    public var header: JournalHeader?
    public var runs = 0
    public var rowRecords = 0
    public var voidRecords = 0
    public var state: State = .empty
    public var openBatch: OpenBatch?
    /// The last E record, when the state is `.complete`.
    public var lastEnd: (migrated: Int, changed: Int, undecryptable: Int, time: String)?
    /// The last U record, when the state is `.rolledBack`.
    public var rolledBackAt: String?
    /// Bytes up to the end of the last good line.
    public var goodLength: Int64 = 0
    /// Bytes after it: a torn last line, dropped before anything is appended.
    public var tornBytes: Int64 = 0

    public static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Reads the whole file once, checking every line.
    public static func read(_ path: String) throws(JournalError) -> JournalScan {
        var scan = JournalScan(path: path)
        var lineNumber = 0
        try JournalLines.forward(path) { (line, offsetAfter, isLast) throws(JournalError) in
            lineNumber += 1
            switch JournalCodec.decode(line) {
            case .success(let record):
                if lineNumber == 1, !record.isHeader { throw .notAJournal(path: path) }
                try scan.apply(record, line: lineNumber)
                scan.goodLength = offsetAfter
            case .failure(let failure):
                let reason = failure.reason
                // Only the last line may be torn, and only in a file that is a journal:
                // a torn first line must at least begin like a header.
                let looksLikeJournal = scan.header != nil || JournalCodec.headerStart.starts(with: line.prefix(JournalCodec.headerStart.count))
                if isLast && looksLikeJournal {
                    scan.tornBytes = offsetAfter - scan.goodLength
                    return
                }
                if lineNumber == 1 { throw .notAJournal(path: path) }
                throw .corrupt(path: path, line: lineNumber, reason: reason)
            }
        }
        return scan
    }

    private mutating func apply(_ record: JournalRecord, line: Int) throws(JournalError) {
        switch record {
        case .header(let h):
            if let first = header, first.job != h.job {
                throw .corrupt(path: path, line: line, reason: "a second job (\(h.job)) in a file that holds job \(first.job)")
            }
            if header == nil { header = h }
            runs += 1
            state = .interrupted
            // An open batch stays open: a resumed run settles it before writing its header,
            // so a run that died before doing so left it for the next one.
        case let .batch(run, number, table, rows):
            guard header != nil else { throw .corrupt(path: path, line: line, reason: "a batch before any header") }
            // A batch's confirmation is synced with the next batch's records, never after them.
            if let open = openBatch {
                throw .corrupt(path: path, line: line, reason: "batch \(number) begins before batch \(open.number) was confirmed")
            }
            guard rows >= 0, rows <= SecretMigration.maximumBatchSize else {
                throw .corrupt(path: path, line: line, reason: "a batch of \(rows) rows")
            }
            openBatch = OpenBatch(run: run, number: number, table: table, rows: [])
            openBatch?.rows.reserveCapacity(rows)
            state = .interrupted
        case .row(let row):
            guard openBatch != nil else { throw .corrupt(path: path, line: line, reason: "a row record outside a batch") }
            guard openBatch!.rows.count < SecretMigration.maximumBatchSize else {
                throw .corrupt(path: path, line: line, reason: "more row records than a batch holds")
            }
            rowRecords += 1
            openBatch!.rows.append(row)
        case .committed(let run, let number, _, _), .reconciled(let run, let number, _, _):
            if let open = openBatch, open.run == run, open.number == number { openBatch = nil }
        case .void:
            voidRecords += 1
        case let .end(_, migrated, changed, undecryptable, time):
            openBatch = nil
            state = .complete
            lastEnd = (migrated, changed, undecryptable, time)
        case .rolledBack(_, let time, _, _, _):
            openBatch = nil
            state = .rolledBack
            rolledBackAt = time
        }
    }

    /// Every record from the end of the good part back to the start (for rollback):
    /// reads the file backwards in blocks, so memory does not grow with it.
    public static func reverse(_ path: String, length: Int64,
                               _ body: (JournalRecord) throws -> Void) throws {
        try JournalLines.backward(path, length: length) { line in
            switch JournalCodec.decode(line) {
            case .success(let record): try body(record)
            case .failure(let failure): throw JournalError.corrupt(path: path, line: 0, reason: failure.reason + " (changed while being read?)")
            }
        }
    }
}

// MARK: - Lines

/// Reads a file line by line, forwards or backwards, in 1 MiB blocks.
enum JournalLines {
    static let blockSize = 1 << 20

    /// `body(line, offset just past the line's newline, isLastLine)`. A last line
    /// without a newline is handed over too (it is then torn by definition).
    static func forward(_ path: String,
                        _ body: (ArraySlice<UInt8>, Int64, Bool) throws(JournalError) -> Void) throws(JournalError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var block = [UInt8](repeating: 0, count: blockSize)
        var carry: [UInt8] = []
        var offset: Int64 = 0
        var pending: ArraySlice<UInt8>?
        var pendingEnd: Int64 = 0
        while true {
            let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress!, blockSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            var start = 0
            for i in 0..<n where block[i] == 0x0A {
                var line: ArraySlice<UInt8>
                if carry.isEmpty {
                    line = block[start..<i]
                } else {
                    carry.append(contentsOf: block[start..<i])
                    line = carry[...]
                }
                let end = offset + Int64(i) + 1
                if let p = pending { try body(p, pendingEnd, false) }
                pending = Array(line)[...]
                pendingEnd = end
                carry.removeAll(keepingCapacity: true)
                start = i + 1
            }
            carry.append(contentsOf: block[start..<n])
            offset += Int64(n)
        }
        if carry.isEmpty {
            if let p = pending { try body(p, pendingEnd, true) }
        } else {
            if let p = pending { try body(p, pendingEnd, false) }
            // No newline at the end: torn. Its "offset after" is the file's end.
            try body(carry[...], offset, true)
        }
    }

    /// Lines from `length` back to the start, last first.
    static func backward(_ path: String, length: Int64, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var position = length
        // Bytes of the line(s) not yet handed over, in file order.
        var tail: [UInt8] = []
        var block = [UInt8](repeating: 0, count: blockSize)
        while position > 0 {
            let size = Int(min(Int64(blockSize), position))
            position -= Int64(size)
            var got = 0
            while got < size {
                let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, size - got, off_t(position) + off_t(got)) }
                if n < 0 { if errno == EINTR { continue }; throw JournalError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
                if n == 0 { throw JournalError.cannotRead(path: path, reason: "the file became shorter while being read") }
                got += n
            }
            let chunk = block[0..<size] + tail
            tail.removeAll(keepingCapacity: true)
            // Split on newlines; the piece before the first newline may continue in the previous block.
            var end = chunk.endIndex
            if chunk.last == 0x0A { end -= 1 }
            var i = end
            while i > chunk.startIndex {
                if chunk[i - 1] == 0x0A {
                    try body(chunk[i..<end])
                    end = i - 1
                }
                i -= 1
            }
            tail = Array(chunk[chunk.startIndex..<end])
            if position == 0 && !tail.isEmpty { try body(tail[...]) }
        }
    }
}

// MARK: - Encoding

enum JournalCodec {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A

    static func encodeRow(table: String, id: Int64, username: String, old: String, new: String, into out: inout [UInt8]) {
        let start = out.count
        out.append(UInt8(ascii: "R"))
        field(table, &out)
        number(id, &out)
        field(username, &out)
        field(old, &out)
        field(new, &out)
        finish(from: start, &out)
    }

    static func encode(_ record: JournalRecord, into out: inout [UInt8]) {
        let start = out.count
        switch record {
        case .header(let h):
            out.append(UInt8(ascii: "H"))
            field(JournalHeader.magic, &out)
            number(Int64(JournalHeader.version), &out)
            for f in [h.job, h.run, h.mode.rawValue, h.database, h.prefix, h.started] { field(f, &out) }
        case let .batch(run, n, table, rows):
            out.append(UInt8(ascii: "B"))
            field(run, &out); number(Int64(n), &out); field(table, &out); number(Int64(rows), &out)
        case .row(let r):
            encodeRow(table: r.table, id: r.id, username: r.username, old: r.old, new: r.new, into: &out)
            return
        case let .committed(run, n, applied, notApplied):
            out.append(UInt8(ascii: "C"))
            field(run, &out); number(Int64(n), &out); number(Int64(applied), &out); number(Int64(notApplied), &out)
        case let .void(table, id, new):
            out.append(UInt8(ascii: "V"))
            field(table, &out); number(id, &out); field(new, &out)
        case let .reconciled(run, n, applied, voided):
            out.append(UInt8(ascii: "K"))
            field(run, &out); number(Int64(n), &out); number(Int64(applied), &out); number(Int64(voided), &out)
        case let .end(run, migrated, changed, undecryptable, time):
            out.append(UInt8(ascii: "E"))
            field(run, &out); number(Int64(migrated), &out); number(Int64(changed), &out)
            number(Int64(undecryptable), &out); field(time, &out)
        case let .rolledBack(job, time, restored, alreadyOld, changed):
            out.append(UInt8(ascii: "U"))
            field(job, &out); field(time, &out); number(Int64(restored), &out)
            number(Int64(alreadyOld), &out); number(Int64(changed), &out)
        }
        finish(from: start, &out)
    }

    private static func field(_ text: String, _ out: inout [UInt8]) {
        out.append(0x09)
        var text = text
        text.withUTF8 { bytes in
            // Stored values are base64: almost always nothing to escape.
            var plain = true
            for b in bytes where b <= 0x20 || b >= 0x7F || b == 0x25 { plain = false; break }
            if plain {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                if b <= 0x20 || b >= 0x7F || b == 0x25 {
                    out.append(0x25)
                    out.append(hexDigit(b >> 4))
                    out.append(hexDigit(b & 0x0F))
                } else {
                    out.append(b)
                }
            }
        }
    }

    private static func number(_ n: Int64, _ out: inout [UInt8]) {
        out.append(tab)
        if n == 0 { out.append(0x30); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var value = n.magnitude
        withUnsafeMutableBytes(of: &digits) { d in
            while value > 0 {
                d[count] = UInt8(48 + value % 10)
                value /= 10
                count += 1
            }
            if n < 0 { out.append(0x2D) }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    private static func finish(from start: Int, _ out: inout [UInt8]) {
        let crc = out.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        out.append(tab)
        for shift in stride(from: 28, through: 0, by: -4) { out.append(hexDigit(UInt8((crc >> UInt32(shift)) & 0xF))) }
        out.append(newline)
    }

    enum Failure: Error {
        case bad(String)
        var reason: String { if case .bad(let r) = self { return r }; return "unreadable" }
    }

    /// How every journal begins.
    static let headerStart: [UInt8] = Array("H\t\(JournalHeader.magic)\t".utf8)

    /// Parses one line (without its newline), checking its CRC.
    static func decode(_ line: ArraySlice<UInt8>) -> Result<JournalRecord, Failure> {
        guard let lastTab = line.lastIndex(of: tab), line.endIndex - lastTab == 9 else {
            return .failure(.bad("no checksum"))
        }
        let body = line[line.startIndex..<lastTab]
        let crc = body.withUnsafeBytes { CRC32.checksum($0) }
        guard let stored = UInt32(String(decoding: line[(lastTab + 1)...], as: UTF8.self), radix: 16), stored == crc else {
            return .failure(.bad("checksum mismatch"))
        }
        let parts = body.split(separator: tab, omittingEmptySubsequences: false)
        guard let kind = parts.first, kind.count == 1 else { return .failure(.bad("no record type")) }
        let fields = parts.dropFirst()
        func text(_ i: Int) throws(Failure) -> String {
            guard i < fields.count else { throw .bad("missing field") }
            guard let bytes = unescape(fields[fields.startIndex + i]) else { throw .bad("bad escape") }
            return String(decoding: bytes, as: UTF8.self)
        }
        func int(_ i: Int) throws(Failure) -> Int64 {
            guard i < fields.count, let n = Int64(String(decoding: fields[fields.startIndex + i], as: UTF8.self)) else {
                throw .bad("bad number")
            }
            return n
        }
        func count(_ n: Int) throws(Failure) {
            guard fields.count == n else { throw .bad("expected \(n) fields, found \(fields.count)") }
        }
        do throws(Failure) {
            switch kind.first! {
            case UInt8(ascii: "H"):
                try count(8)
                guard try text(0) == JournalHeader.magic else { throw .bad("not a journal header") }
                guard try int(1) == Int64(JournalHeader.version) else { throw .bad("journal format \(try int(1)) is newer than this tcadmin") }
                guard let mode = MigrationMode(rawValue: try text(4)) else { throw .bad("unknown mode") }
                return .success(.header(JournalHeader(job: try text(2), run: try text(3), mode: mode, database: try text(5),
                                                      prefix: try text(6), started: try text(7))))
            case UInt8(ascii: "B"):
                try count(4)
                return .success(.batch(run: try text(0), number: Int(try int(1)), table: try text(2), rows: Int(try int(3))))
            case UInt8(ascii: "R"):
                try count(5)
                return .success(.row(JournalRow(table: try text(0), id: try int(1), username: try text(2),
                                                old: try text(3), new: try text(4))))
            case UInt8(ascii: "C"):
                try count(4)
                return .success(.committed(run: try text(0), number: Int(try int(1)), applied: Int(try int(2)),
                                           notApplied: Int(try int(3))))
            case UInt8(ascii: "V"):
                try count(3)
                return .success(.void(table: try text(0), id: try int(1), new: try text(2)))
            case UInt8(ascii: "K"):
                try count(4)
                return .success(.reconciled(run: try text(0), number: Int(try int(1)), applied: Int(try int(2)),
                                            voided: Int(try int(3))))
            case UInt8(ascii: "E"):
                try count(5)
                return .success(.end(run: try text(0), migrated: Int(try int(1)), changed: Int(try int(2)),
                                     undecryptable: Int(try int(3)), time: try text(4)))
            case UInt8(ascii: "U"):
                try count(5)
                return .success(.rolledBack(job: try text(0), time: try text(1), restored: Int(try int(2)),
                                            alreadyOld: Int(try int(3)), changed: Int(try int(4))))
            default:
                throw .bad("unknown record type")
            }
        } catch {
            return .failure(error)
        }
    }

    static func unescape(_ field: ArraySlice<UInt8>) -> [UInt8]? {
        guard field.contains(0x25) else { return Array(field) }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var i = field.startIndex
        while i < field.endIndex {
            let b = field[i]
            if b == 0x25 {
                guard i + 2 < field.endIndex, let hi = hexValue(field[i + 1]), let lo = hexValue(field[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}

/// CRC-32 as zlib computes it (IEEE 802.3 polynomial, reflected), eight bytes at a time:
/// a torn or damaged line is found by its own checksum.
enum CRC32 {
    /// Eight 256-entry tables, one after the other (slicing-by-8).
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for n in 0..<256 {
            for k in 1..<8 { t[k * 256 + n] = (t[(k - 1) * 256 + n] >> 8) ^ t[Int(t[(k - 1) * 256 + n] & 0xFF)] }
        }
        return t
    }()

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { t in
            var crc: UInt32 = 0xFFFF_FFFF
            var i = 0
            let count = bytes.count
            while i + 8 <= count {
                let lo = crc ^ (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
                crc = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(bytes[i + 4])] ^ t[2 * 256 + Int(bytes[i + 5])]
                    ^ t[256 + Int(bytes[i + 6])] ^ t[Int(bytes[i + 7])]
                i += 8
            }
            while i < count {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
            return crc ^ 0xFFFF_FFFF
        }
    }
}
