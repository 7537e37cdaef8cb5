import TCDatabase

/// A connection to a TeamCal Neo database together with the schema detected in it.
public final class TeamCalDatabase {
    public let connection: Connection
    public let schema: Schema

    public init(connection: Connection, prefix: String) throws {
        self.connection = connection
        self.schema = try Schema.detect(connection, prefix: prefix)
    }

    public func table(_ name: String) -> String { schema.table(name) }

    /// The values of some `config` rows, by name. Missing rows are absent from the result.
    public func settings(_ names: [String]) throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        var values: [String: String] = [:]
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        try connection.query("SELECT name, value FROM \(table("config")) WHERE name IN (\(marks))", names) { row in
            if let name = row.string(0) { values[name] = row.string(1) ?? "" }
        }
        return values
    }

    /// One `config` row; a missing row reads as `'0'`, as the app treats its switches.
    public func switchIsOn(_ name: String) throws -> Bool {
        try settings([name])[name].map(phpTruthy) ?? false
    }

    /// The database server's clock, as text ("YYYY-MM-DD HH:MM:SS.ffffff") in UTC.
    public func serverUTCTime() throws -> String? {
        try connection.scalar("SELECT UTC_TIMESTAMP(6)")
    }
}
