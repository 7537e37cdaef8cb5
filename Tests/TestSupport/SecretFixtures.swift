import Foundation

/// Stored-secret fixtures made from the PHP test vectors (../shared/vectors/
/// teamcal-default-key.json, key 5e091d9b9cbf36.90197318): large data sets are
/// generated server-side, so a test can have 200,000 legacy secrets in a second.
public enum SecretFixtures {
    public static let appKey = "5e091d9b9cbf36.90197318"

    /// (plain base32 secret, legacy stored value, v2 stored value)
    public static let vectors: [(secret: String, legacy: String, v2: String)] = [
        ("2M2DTYOK5DFQMNYZPHTZCZ5MZIQGV6X6", "XraUVNCHqwUiKRo/hF5VqL/GjqaKGrBcXHyhDC+llqL0xur4lfCaxfIYQqL4LxCx",
         "v2:RiWPYM39OkWG3sCC0K5crgcjgxu77aL6fwrSEZR28RvvRqsuYLeysnJtqEju8gY3Y7pMqG1VuCO7uFgh00AfDQ=="),
        ("2JPL6QB7GLKTB2FG", "4XFhQnKLttpK3GiadM+HhvTG6viV8JrF8hhCovgvELE=",
         "v2:gOZtcLW0dpsM+Sf8qiSjHGjpdQKkiFovU9B/ohQ3B+5hLTfqEZDaX1dmSXJdXniO"),
        ("FXWOJKWM6SKCOTHLR7NKWM3T36T45BHE", "44EvkcQSAhlJ/ufszKO5o6OJXr8tDdjaPhR3LLUjMrj0xur4lfCaxfIYQqL4LxCx",
         "v2:H9tXOumc0/0W5jBa10wKZtA64pD+L2nMOmg+gf5sZ6o6bLVhX76iFDDXk/q6WSu5yKHmFp8FuJrd9FUsCvtS4A=="),
        ("U2CTJIU2JX5Y7J4K", "CF/K9CHte3Dxcz8Jq1EIhfTG6viV8JrF8hhCovgvELE=",
         "v2:H8/sn3Dfw4kljb4OGQfXZQGCyLIJpHhzpcrgqiJ4eptWxJ/jU8CwOki6oZmHRdWh"),
        ("UHRN5UE5CINKKEXE4VUZ6A746JYLKWFL", "T2sGGV3ThDxiNOeh7zmY920q5Io26pLk/poXZlefaDb0xur4lfCaxfIYQqL4LxCx",
         "v2:rQgzqxQPdflfMzmaJB8SM0JtItJDmkPtbK9jMMhrEtxyzXrS+kkCvBPctVBdrKjcF0AjMwKQ0OucMJS54J+kuA=="),
        ("ZHKCV7HIEMRB3DEE", "6krb5bHsIaTxU5ubvcO9FvTG6viV8JrF8hhCovgvELE=",
         "v2:3KEzB8cCpuwmaqCEQIjCBzje4se25syZg4hcemJ0ANIJwjmBBf7B3SaSKbr/8Wjz"),
    ]

    /// The plain secret user `u<n>` was given by `insertLegacySecrets`.
    public static func secret(ofUser n: Int) -> String { vectors[n % vectors.count].secret }
}

extension TestDatabase {
    /// Adds users `u1`…`u<count>` with a legacy secret each (vector `n % 6`) to
    /// `<prefix><table>`, plus `otherOptions` ordinary options per user interleaved by id,
    /// as the app stores them.
    public func insertLegacySecrets(_ count: Int, table: String = "user_option", otherOptions: Int = 0) throws {
        let vectors = SecretFixtures.vectors.enumerated()
            .map { "SELECT \($0.offset) AS i, '\($0.element.legacy)' AS legacy" }.joined(separator: " UNION ALL ")
        let names = (["SELECT 'secret' AS name"] + (0..<otherOptions).map { "SELECT 'opt\($0)'" }).joined(separator: " UNION ALL ")
        try sql("""
            INSERT INTO `\(prefix)\(table)` (username, `option`, value)
            SELECT CONCAT('u', s.seq), o.name, IF(o.name = 'secret', v.legacy, 'x')
            FROM seq_1_to_\(count) s JOIN (\(vectors)) v ON v.i = s.seq % 6 JOIN (\(names)) o
            ORDER BY s.seq, o.name
            """)
    }

    /// Every `secret` value of a table, by username (for before/after comparisons).
    public func secretValues(table: String = "user_option") throws -> [String: String] {
        var values: [String: String] = [:]
        let out = try sql("SELECT username, HEX(value) FROM `\(prefix)\(table)` WHERE `option` = 'secret' ORDER BY id")
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            values[String(parts[0])] = String(decoding: Self.unhex(String(parts[1])), as: UTF8.self)
        }
        return values
    }

    /// CHECKSUM TABLE of a table: equal before and after means nothing was written.
    public func checksum(_ table: String) throws -> String {
        try sql("CHECKSUM TABLE `\(prefix)\(table)`").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func unhex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
