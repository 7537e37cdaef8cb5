internal import CMariaDB

/// A prepared statement. Values are bound as typed parameters, never spliced into SQL.
/// Results come back as text (the client library converts numbers and dates), streamed
/// row by row without buffering the whole result.
public final class Statement {
    private let connection: Connection
    private let handle: UnsafeMutablePointer<MYSQL_STMT>
    public let parameterCount: Int

    init(connection: Connection, sql: String) throws(DatabaseError) {
        self.connection = connection
        guard let stmt = mysql_stmt_init(connection.handle) else {
            throw connection.lastError(operation: "prepare")
        }
        handle = stmt
        let status = sql.withCString { mysql_stmt_prepare(stmt, $0, UInt(sql.utf8.count)) }
        if status != 0 {
            let error = Statement.error(stmt, operation: "prepare", redact: false)
            mysql_stmt_close(stmt)
            throw error
        }
        parameterCount = Int(mysql_stmt_param_count(stmt))
    }

    deinit {
        mysql_stmt_close(handle)
    }

    private static func error(_ stmt: UnsafeMutablePointer<MYSQL_STMT>, operation: String, redact: Bool) -> DatabaseError {
        let message = String(cString: mysql_stmt_error(stmt))
        return DatabaseError(code: mysql_stmt_errno(stmt),
                             sqlState: String(cString: mysql_stmt_sqlstate(stmt)),
                             message: redact ? DatabaseError.redactingQuotedValues(message) : message,
                             operation: operation)
    }

    /// Runs the statement; returns the number of affected rows.
    @discardableResult
    public func execute(_ values: [any ValueConvertible] = []) throws(DatabaseError) -> UInt64 {
        try bindAndExecute(values.map(\.databaseValue))
        // Drain any result set so the connection is ready for the next statement.
        mysql_stmt_free_result(handle)
        return mysql_stmt_affected_rows(handle)
    }

    /// Runs the statement and streams its rows to `body`.
    public func query(_ values: [any ValueConvertible] = [], _ body: (Row) throws -> Void) throws {
        try bindAndExecute(values.map(\.databaseValue))
        defer { mysql_stmt_free_result(handle) }
        guard let metadata = mysql_stmt_result_metadata(handle) else { return }
        let columns = Int(mysql_num_fields(metadata))
        mysql_free_result(metadata)
        try ResultBuffers(columns: columns).stream(handle, body)
    }

    private func bindAndExecute(_ values: [Value]) throws(DatabaseError) {
        guard values.count == parameterCount else {
            throw DatabaseError(code: 2034, sqlState: "HY000",
                                message: "statement expects \(parameterCount) values, got \(values.count)",
                                operation: "execute")
        }
        // Every buffer stays alive until execute returns: they are owned by `storage`.
        var storage: [UnsafeMutableRawPointer] = []
        defer { storage.forEach { $0.deallocate() } }
        var binds = [MYSQL_BIND](repeating: MYSQL_BIND(), count: values.count)
        for (i, value) in values.enumerated() {
            switch value {
            case .null:
                binds[i].buffer_type = MYSQL_TYPE_NULL
            case .int(let n):
                let p = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
                p.storeBytes(of: n, as: Int64.self)
                storage.append(p)
                binds[i].buffer_type = MYSQL_TYPE_LONGLONG
                binds[i].buffer = p
            case .double(let d):
                let p = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
                p.storeBytes(of: d, as: Double.self)
                storage.append(p)
                binds[i].buffer_type = MYSQL_TYPE_DOUBLE
                binds[i].buffer = p
            case .text(let s):
                let p = Statement.copy(Array(s.utf8), into: &storage)
                binds[i].buffer_type = MYSQL_TYPE_STRING
                binds[i].buffer = p.pointer
                binds[i].buffer_length = UInt(p.count)
            case .bytes(let b):
                let p = Statement.copy(b, into: &storage)
                binds[i].buffer_type = MYSQL_TYPE_BLOB
                binds[i].buffer = p.pointer
                binds[i].buffer_length = UInt(p.count)
            }
        }
        if !binds.isEmpty {
            let failed = binds.withUnsafeMutableBufferPointer { mysql_stmt_bind_param(handle, $0.baseAddress) } != 0
            if failed { throw Statement.error(handle, operation: "bind", redact: true) }
        }
        if mysql_stmt_execute(handle) != 0 {
            throw Statement.error(handle, operation: "execute", redact: !values.isEmpty)
        }
    }

    private static func copy(_ bytes: [UInt8], into storage: inout [UnsafeMutableRawPointer])
        -> (pointer: UnsafeMutableRawPointer, count: Int) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) } }
        storage.append(p)
        return (p, bytes.count)
    }
}

/// Output buffers for one result set: every column fetched as text into a buffer that
/// grows when a value is longer (then fetched again with `mysql_stmt_fetch_column`).
private final class ResultBuffers {
    var binds: [MYSQL_BIND]
    var buffers: [UnsafeMutableRawPointer]
    var capacities: [Int]
    let lengths: UnsafeMutablePointer<UInt>
    let nulls: UnsafeMutablePointer<my_bool>
    let errors: UnsafeMutablePointer<my_bool>

    init(columns: Int) {
        binds = [MYSQL_BIND](repeating: MYSQL_BIND(), count: columns)
        capacities = Array(repeating: 256, count: columns)
        buffers = (0..<columns).map { _ in UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 8) }
        lengths = .allocate(capacity: max(columns, 1))
        nulls = .allocate(capacity: max(columns, 1))
        errors = .allocate(capacity: max(columns, 1))
        lengths.initialize(repeating: 0, count: max(columns, 1))
        nulls.initialize(repeating: 0, count: max(columns, 1))
        errors.initialize(repeating: 0, count: max(columns, 1))
        for i in 0..<columns { point(i) }
    }

    deinit {
        buffers.forEach { $0.deallocate() }
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
    }

    private func point(_ i: Int) {
        binds[i].buffer_type = MYSQL_TYPE_STRING
        binds[i].buffer = buffers[i]
        binds[i].buffer_length = UInt(capacities[i])
        binds[i].length = lengths + i
        binds[i].is_null = nulls + i
        binds[i].error = errors + i
    }

    func stream(_ stmt: UnsafeMutablePointer<MYSQL_STMT>, _ body: (Row) throws -> Void) throws {
        try bind(stmt)
        let row = Row(columnCount: binds.count)
        while true {
            let status = mysql_stmt_fetch(stmt)
            if status == MYSQL_NO_DATA { break }
            if status == 1 {
                throw DatabaseError(code: mysql_stmt_errno(stmt), sqlState: String(cString: mysql_stmt_sqlstate(stmt)),
                                    message: String(cString: mysql_stmt_error(stmt)), operation: "fetch")
            }
            var rebind = false
            for i in 0..<binds.count {
                if nulls[i] != 0 { row.set(i, nil, 0); continue }
                let length = Int(lengths[i])
                if length > capacities[i] {
                    buffers[i].deallocate()
                    capacities[i] = length
                    buffers[i] = .allocate(byteCount: length, alignment: 8)
                    point(i)
                    let fetched = withUnsafeMutablePointer(to: &binds[i]) {
                        mysql_stmt_fetch_column(stmt, $0, UInt32(i), 0)
                    }
                    if fetched != 0 {
                        throw DatabaseError(code: mysql_stmt_errno(stmt), sqlState: String(cString: mysql_stmt_sqlstate(stmt)),
                                            message: String(cString: mysql_stmt_error(stmt)), operation: "fetch")
                    }
                    rebind = true
                }
                row.set(i, UnsafeRawPointer(buffers[i]), length)
            }
            try body(row)
            if rebind { try bind(stmt) }
        }
    }

    private func bind(_ stmt: UnsafeMutablePointer<MYSQL_STMT>) throws(DatabaseError) {
        guard !binds.isEmpty else { return }
        let failed = binds.withUnsafeMutableBufferPointer { mysql_stmt_bind_result(stmt, $0.baseAddress) } != 0
        if failed {
            throw DatabaseError(code: mysql_stmt_errno(stmt), sqlState: String(cString: mysql_stmt_sqlstate(stmt)),
                                message: String(cString: mysql_stmt_error(stmt)), operation: "bind")
        }
    }
}
