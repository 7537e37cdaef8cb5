import TCCrypto
import TCDatabase

/// Every stored secret classified with the installation key, in one streaming pass:
/// counts per format, and each undecryptable row handed to a callback (never kept,
/// never the value), so memory stays flat at any number of users.
public struct SecretCensus: Sendable {
    public struct Undecryptable: Sendable {
        public let table: String
        public let id: Int64
        public let username: String
        public let format: SecretFormat
        public let reason: UndecryptableReason
    }

    public var v2 = 0
    public var legacy = 0
    public var notEnrolled = 0
    public var undecryptable = 0

    public var stored: Int { v2 + legacy + notEnrolled + undecryptable }
    public var decryptable: Int { v2 + legacy }

    public init() {}

    /// Classifies the `secret` rows of `user_option` (and `archive_user_option` when asked).
    public static func take(_ db: TeamCalDatabase, key: InstallationKey, includeArchive: Bool = false,
                            onUndecryptable: (Undecryptable) throws -> Void = { _ in }) throws -> SecretCensus {
        let codec = try SecretCodec(key: key)
        var census = SecretCensus()
        var tables = ["user_option"]
        if includeArchive && db.schema.has("archive_user_option") { tables.append("archive_user_option") }
        for table in tables {
            try db.connection.query("SELECT id, username, value FROM \(db.table(table)) WHERE `option` = 'secret'") { row in
                let result = try row.withBytes(2) { bytes -> SecretClassification in
                    guard let bytes else { return .notEnrolled }
                    return try codec.classify(bytes: bytes)
                }
                switch result {
                case .notEnrolled: census.notEnrolled += 1
                case .decrypted(.v2, _): census.v2 += 1
                case .decrypted(.legacyECB, _): census.legacy += 1
                case .undecryptable(let format, let reason):
                    census.undecryptable += 1
                    try onUndecryptable(Undecryptable(table: table, id: row.int(0) ?? 0, username: row.string(1) ?? "",
                                                      format: format, reason: reason))
                }
            }
        }
        return census
    }
}

extension UndecryptableReason {
    /// What the reason means, for people.
    public var explanation: String {
        switch self {
        case .badBase64: return "not valid base64 (damaged value)"
        case .badLength: return "wrong length for its format (damaged value)"
        case .badPadding: return "does not decrypt (wrong installation key, or damaged)"
        case .notBase32: return "decrypts to something that is not a base32 secret (wrong key?)"
        }
    }
}

extension SecretFormat {
    /// The name used in output: "v2" or "legacy".
    public var label: String { self == .v2 ? "v2" : "legacy" }
}
