/// One error type for everything the database layer can report.
///
/// It carries the server's (or client library's) error number and SQLSTATE. When the
/// failing statement had bound values, quoted parts of the server's message are
/// redacted: servers echo values ("Duplicate entry '…'") and those may be secrets.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Category: Sendable {
        /// The server cannot be reached or went away (exit 69).
        case unavailable
        /// Wrong credentials or missing privileges (exit 77).
        case accessDenied
        /// Lock wait, deadlock, server busy: trying again may work (exit 75).
        case temporary
        /// TLS could not be set up or verified (exit 69, with its own message).
        case tls
        /// A table or column that should exist does not (exit 78).
        case schema
        /// Anything else the server refused.
        case other
    }

    public let code: UInt32
    public let sqlState: String
    public let message: String
    /// What the layer was doing: "connect", "prepare", "execute", "fetch".
    public let operation: String

    public init(code: UInt32, sqlState: String, message: String, operation: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.operation = operation
    }

    public var category: Category {
        switch code {
        case 2001, 2002, 2003, 2004, 2005, 2006, 2009, 2012, 2013, 2055, 1040, 1053, 1081, 1129, 1130, 1152, 1153, 1158, 1159, 1160, 1161, 1927, 4031:
            return .unavailable
        case 2026, 5010:
            // 5010: the server asked for an authentication plugin that sends the password
            // itself, refused on a connection that is not verified (see Connection).
            return .tls
        case 1044, 1045, 1142, 1143, 1227, 1370, 1698, 1290, 1036, 1792, 4151:
            // 1290/1036/1792: read-only server or table; the account cannot write here.
            return .accessDenied
        case 1205, 1213, 1614, 1689, 3572:
            return .temporary
        case 1049, 1054, 1146, 1109:
            return .schema
        default:
            return .other
        }
    }

    public var description: String {
        "\(message) (error \(code), SQLSTATE \(sqlState))"
    }

    /// Replaces every single-quoted part of a server message: those quote values.
    static func redactingQuotedValues(_ message: String) -> String {
        var result = ""
        var inQuote = false
        for ch in message {
            if ch == "'" {
                if inQuote { result += "'…'" }
                inQuote.toggle()
            } else if !inQuote {
                result.append(ch)
            }
        }
        if inQuote { result += "'…" }
        return result
    }
}
