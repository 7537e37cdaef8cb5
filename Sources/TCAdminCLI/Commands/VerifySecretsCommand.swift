import TCCrypto
import TeamCal

/// `tcadmin verify-secrets`: decrypts every stored secret with the installation key and
/// names the users whose secret cannot be decrypted. Streams rows; never prints a value.
struct VerifySecretsCommand: Command {
    static let name = "verify-secrets"
    static let abstract = "Decrypt every stored secret and name the users whose secret is unusable"
    static let usage = ["verify-secrets [--include-archive] [--format text|json]"]
    static let discussion = """
        Classifies each stored 2FA secret as v2, legacy, not enrolled ('' or '0') or
        undecryptable, with the installation key (--app-dir, --key-file or TCADMIN_APP_KEY).
        Users whose secret cannot be decrypted cannot log in with 2FA: reset them with
        'tcadmin reset-2fa USER' so they enroll again. Exit 1 when any are found.

        JSON (stable): {"undecryptable": [{"table", "username", "format", "reason"}...],
        "counts": {"v2", "legacy", "not_enrolled", "undecryptable", "stored"}, "ok": bool}.
        The list comes first so that it can be streamed; reasons are bad_base64,
        bad_length, bad_padding, not_base32.
        """
    static let options: [OptionSpec] = [
        .flag("include-archive", "also check archived users' secrets (archive_user_option)"),
    ]
    static let examples = [
        Example("--app-dir /var/www/teamcal verify-secrets", "check every secret with the app's own key"),
        Example("--app-dir /var/www/teamcal verify-secrets --format json | jq -r '.undecryptable[].username'", "the users to reset, one per line"),
    ]

    let includeArchive: Bool

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(0...0, names: "")
        includeArchive = arguments.flag("include-archive")
    }

    func run(_ context: Context) throws -> ExitCode {
        let key = try context.installationKey()
        let db = try context.database()
        let console = context.console
        let json = context.format == .json
        var first = true
        if json { console.outRaw("{\n  \"undecryptable\": [") }
        let census = try SecretCensus.take(db, key: key, includeArchive: includeArchive) { bad in
            if json {
                var item = ""
                item += first ? "\n    " : ",\n    "
                item += "{\"table\": "; JSON.quote(bad.table, into: &item)
                item += ", \"username\": "; JSON.quote(bad.username, into: &item)
                item += ", \"format\": \"\(bad.format.label)\", \"reason\": \"\(bad.reason.snakeCase)\"}"
                console.outRaw(item)
            } else {
                let place = bad.table == "user_option" ? "" : " [\(bad.table)]"
                console.out("undecryptable: \(Printable.quoted(bad.username))\(place) — \(bad.format.label) value \(bad.reason.explanation)")
            }
            first = false
        }
        if json {
            console.outRaw(first ? "],\n" : "\n  ],\n")
            let counts = JSON.object([
                ("v2", .int(census.v2)), ("legacy", .int(census.legacy)), ("not_enrolled", .int(census.notEnrolled)),
                ("undecryptable", .int(census.undecryptable)), ("stored", .int(census.stored)),
            ]).rendered().dropLast().replacing("\n", with: "\n  ")
            console.outRaw("  \"counts\": \(counts),\n  \"ok\": \(census.undecryptable == 0)\n}\n")
        } else {
            console.out("\(census.stored) stored: \(census.v2) v2, \(census.legacy) legacy, \(census.notEnrolled) not enrolled ('' or '0'), \(census.undecryptable) undecryptable")
            if census.undecryptable > 0 && census.decryptable == 0 {
                console.warning("no secret decrypts with this key — is it the installation's APP_LIC_KEY?")
            } else if census.undecryptable > 0 {
                console.note("reset those users with 'tcadmin reset-2fa USER...' so they can enroll again")
            }
        }
        return census.undecryptable == 0 ? .ok : .conditionFound
    }
}

extension UndecryptableReason {
    var snakeCase: String {
        switch self {
        case .badBase64: return "bad_base64"
        case .badLength: return "bad_length"
        case .badPadding: return "bad_padding"
        case .notBase32: return "not_base32"
        }
    }
}
