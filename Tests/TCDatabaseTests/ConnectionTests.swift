import XCTest
import TCDatabase
import TestSupport

final class ConnectionTests: XCTestCase {
    var server: TestServer!
    var db: TestDatabase!

    override func setUpWithError() throws {
        server = try TestServer.shared()
        db = try server.createDatabase([])
        try db.sql("CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(200), body TEXT, n BIGINT, d DATETIME) ENGINE=MyISAM")
    }

    func testSocketAndTCPConnections() throws {
        let socket = try Connection(server.options(database: db.name))
        XCTAssertTrue(socket.hostInfo.lowercased().contains("socket"), socket.hostInfo)
        let tcp = try Connection(server.options(database: db.name, tcp: true))
        XCTAssertTrue(tcp.hostInfo.contains("127.0.0.1"), tcp.hostInfo)
        XCTAssertTrue(tcp.serverVersion.contains("MariaDB"))
        XCTAssertTrue(tcp.ping())
    }

    func testPreparedRoundTripOfEveryValueKind() throws {
        let c = try db.connect()
        let long = String(repeating: "ä€x", count: 5000)  // longer than the first fetch buffer
        try c.execute("INSERT INTO t (name, body, n, d) VALUES (?, ?, ?, ?)", ["o'brien\\\"; DROP TABLE t; --", long, Int64(-42), "2026-12-03 10:11:12"])
        try c.execute("INSERT INTO t (name, body, n, d) VALUES (?, ?, ?, ?)", [Value.null, Value.bytes([0, 1, 2]), Value.int(7), Value.null])
        var rows: [[String?]] = []
        try c.query("SELECT name, body, n, d FROM t WHERE id >= ? ORDER BY id", [1]) { row in
            rows.append((0..<row.count).map { row.string($0) })
            if rows.count == 1 {
                XCTAssertEqual(row.int(2), -42)
                XCTAssertTrue(row.equals(1, Array(long.utf8)))
            }
        }
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0][0], "o'brien\\\"; DROP TABLE t; --")
        XCTAssertEqual(rows[0][1], long)
        XCTAssertEqual(rows[0][3], "2026-12-03 10:11:12")
        XCTAssertNil(rows[1][0])
        XCTAssertNil(rows[1][3])
        XCTAssertEqual(rows[1][2], "7")
        // Text protocol returns the same.
        XCTAssertEqual(try c.rows("SELECT name, body FROM t ORDER BY id")[0], [rows[0][0], rows[0][1]])
    }

    func testLongValuesAfterShortOnesInOneStream() throws {
        let c = try db.connect()
        for i in 0..<50 { try c.execute("INSERT INTO t (name, body) VALUES (?, ?)", ["r\(i)", String(repeating: "b", count: i * 97)]) }
        var lengths: [Int] = []
        try c.query("SELECT body FROM t WHERE id > ? ORDER BY id", [0]) { row in lengths.append(row.string(0)!.count) }
        XCTAssertEqual(lengths, (0..<50).map { $0 * 97 })
    }

    func testStreamingLargeResult() throws {
        let c = try db.connect()
        try c.execute("INSERT INTO t (n) SELECT seq FROM seq_1_to_50000")
        var count = 0, sum: Int64 = 0
        try c.query("SELECT n FROM t") { row in count += 1; sum += row.int(0)! }
        XCTAssertEqual(count, 50000)
        XCTAssertEqual(sum, 50000 * 50001 / 2)
        // The connection is usable again after the stream.
        XCTAssertEqual(try c.scalar("SELECT COUNT(*) FROM t WHERE n > ?", [49990]), "10")
    }

    func testErrorsCarryNumberAndSQLStateAndCategory() throws {
        let c = try db.connect()
        XCTAssertThrowsError(try c.execute("SELECT * FROM missing_table")) { error in
            let e = error as! DatabaseError
            XCTAssertEqual(e.code, 1146)
            XCTAssertEqual(e.sqlState, "42S02")
            XCTAssertEqual(e.category, .schema)
        }
        XCTAssertThrowsError(try c.execute("SELECT ? + ?", [1])) { error in
            XCTAssertTrue((error as! DatabaseError).message.contains("expects 2 values"))
        }
    }

    func testBoundValuesAreRedactedFromServerMessages() throws {
        let c = try db.connect()
        try c.execute("CREATE TABLE u (v VARCHAR(50) PRIMARY KEY)")
        try c.execute("INSERT INTO u VALUES (?)", ["JBSWY3DPEHPK3PXP"])
        XCTAssertThrowsError(try c.execute("INSERT INTO u VALUES (?)", ["JBSWY3DPEHPK3PXP"])) { error in
            let e = error as! DatabaseError
            XCTAssertEqual(e.code, 1062)
            XCTAssertFalse(e.description.contains("JBSWY3DPEHPK3PXP"), e.description)
        }
    }

    func testConnectionFailuresAreCategorised() throws {
        var wrong = server.options(database: db.name, tcp: true)
        wrong.password = "not the password"
        XCTAssertThrowsError(try Connection(wrong)) { XCTAssertEqual(($0 as! DatabaseError).category, .accessDenied) }
        var closed = server.options(database: db.name, tcp: true)
        closed.port = 1
        XCTAssertThrowsError(try Connection(closed)) { XCTAssertEqual(($0 as! DatabaseError).category, .unavailable) }
        var noSocket = server.options(database: db.name)
        noSocket.socket = "/nonexistent/mysqld.sock"
        XCTAssertThrowsError(try Connection(noSocket)) { XCTAssertEqual(($0 as! DatabaseError).category, .unavailable) }
        let reader = try Connection(server.options(database: db.name, user: "tcreader"))
        XCTAssertThrowsError(try reader.execute("INSERT INTO t (n) VALUES (?)", [1])) {
            XCTAssertEqual(($0 as! DatabaseError).category, .accessDenied)
        }
    }

    func testPreferredSkipsTLSOnTheUnixSocketButRequiredDoesNot() throws {
        var options = server.options(database: db.name)
        XCTAssertEqual(options.sslMode, .preferred)
        XCTAssertNil(try Connection(options).tlsCipher, "no handshake for a socket that never leaves the machine")
        options.sslMode = .required
        XCTAssertNotNil(try Connection(options).tlsCipher)
    }

    func testTLSModesAreEnforced() throws {
        var options = server.options(database: db.name, tcp: true)
        options.sslMode = .required
        XCTAssertNotNil(try Connection(options).tlsCipher)

        options.sslMode = .verifyIdentity
        options.sslCA = server.tlsDir + "/ca.pem"
        XCTAssertNotNil(try Connection(options).tlsCipher)

        // A CA that did not sign the server's certificate.
        options.sslMode = .verifyCA
        options.sslCA = server.tlsDir + "/other-ca.pem"
        XCTAssertThrowsError(try Connection(options)) { XCTAssertEqual(($0 as! DatabaseError).category, .tls) }

        // The certificate names 127.0.0.1, not ::1: verify-ca passes, verify-identity does not.
        guard (try? Connection(ConnectionOptions(host: "::1", port: server.port, user: server.user, password: server.password, sslMode: .disabled))) != nil else {
            throw XCTSkip("the server does not listen on ::1 here")
        }
        var v6 = options
        v6.host = "::1"
        v6.sslCA = server.tlsDir + "/ca.pem"
        v6.sslMode = .verifyCA
        XCTAssertNotNil(try Connection(v6).tlsCipher)
        v6.sslMode = .verifyIdentity
        XCTAssertThrowsError(try Connection(v6)) { XCTAssertEqual(($0 as! DatabaseError).category, .tls) }

        // An account that requires TLS is refused a plaintext connection.
        var plain = server.options(database: db.name, user: "tctls", tcp: true)
        plain.sslMode = .disabled
        XCTAssertThrowsError(try Connection(plain))
        plain.sslMode = .required
        XCTAssertNotNil(try Connection(plain).tlsCipher)
    }
}
