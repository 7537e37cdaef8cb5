internal import CMariaDB

/// Connector/C must be initialised once, before any thread uses it.
/// A global's initialiser runs exactly once, thread-safely.
private let libraryStatus: Int32 = tc_mysql_library_init()

enum Library {
    static func ensureInitialized() throws(DatabaseError) {
        if libraryStatus != 0 {
            throw DatabaseError(code: 2000, sqlState: "HY000",
                                message: "the MariaDB client library could not be initialised",
                                operation: "connect")
        }
    }

    /// Version of the MariaDB Connector/C library in use.
    static var clientVersion: String { String(cString: mysql_get_client_info()) }
}
