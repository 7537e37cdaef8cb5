import FoundationEssentials
import Glibc
import TCCrypto
import TeamCal

/// `tcadmin test-code USER [CODE]`: checks a code against the user's stored secret by
/// the app's own rule (current 30-second step ±1) and, when it fails, says why.
struct TestCodeCommand: Command {
    static let name = "test-code"
    static let abstract = "Test a 2FA code against a user's stored secret and explain a failure"
    static let usage = ["test-code USER [CODE] [--time T] [--window N] [--format text|json]"]
    static let discussion = """
        The verdict follows the app: the code of the current 30-second step, or of one step
        either side, is accepted. When the code is rejected, a wider window (--window steps
        each way, default 20 = ±10 minutes) is searched, to tell a clock problem (the code
        matches some minutes off) from a wrong code or a wrong authenticator entry.
        CODE is read from stdin when omitted (not echoed on a terminal); it is never printed.

        JSON (stable): {"user", "accepted", "format", "time", "step", "matched_offset_steps",
        "matched_offset_seconds", "window_steps", "diagnosis"}; offsets are null when the
        code matches nowhere in the window, positive when it belongs to a later step
        (the phone's clock is ahead of this server's).
        Exit 0 accepted, 1 rejected, 65 unknown user, not enrolled, malformed code or
        undecryptable secret.
        """
    static let arguments = [
        ArgumentSpec("USER", "the TeamCal Neo username, exactly as stored", completion: .user),
        ArgumentSpec("CODE", "the six-digit code from the user's authenticator (stdin when omitted)"),
    ]
    static let options: [OptionSpec] = [
        .value("time", "T", "test at this Unix time instead of now (seconds)"),
        .value("window", "N", "diagnostic search window in 30-second steps each way", default: "20"),
    ]
    static let examples = [
        Example("--app-dir /var/www/teamcal test-code jdoe 123456", "is jdoe's code accepted right now?"),
        Example("--app-dir /var/www/teamcal test-code jdoe", "read the code from stdin without echo (keeps it out of shell history)"),
        Example("--app-dir /var/www/teamcal test-code jdoe 123456 --format json", "the verdict and drift for a script"),
    ]

    let username: String
    let code: String?
    let time: Int64?
    let window: Int

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(1...2, names: "USER (the username whose code to test)")
        username = arguments.positionals[0]
        code = arguments.positionals.count > 1 ? arguments.positionals[1] : nil
        if let text = arguments.value("time") {
            guard let t = Int64(text), t >= 0, t < 253_402_300_800 else {
                throw CLIError.usage("--time takes Unix seconds (e.g. 1764763200), not '\(text.prefix(30))'", command: Self.name)
            }
            time = t
        } else {
            time = nil
        }
        window = try arguments.int("window", default: 20, range: 1...2880)
    }

    /// Checks the shape of a code and says precisely what is wrong with it.
    static func validate(_ raw: String) throws -> String {
        let code = raw.trimmingBlanks(newlines: true)
        if code.isEmpty { throw CLIError(.dataError, "no code given — type the six digits the authenticator shows") }
        if code.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw CLIError(.dataError, "the code contains a space — the app accepts exactly six digits with no spaces")
        }
        if code.unicodeScalars.contains(where: { !$0.isASCII && $0.properties.numericType != nil }) {
            throw CLIError(.dataError, "the code has non-ASCII digits (full-width?) — the app accepts the ASCII digits 0-9 only")
        }
        guard TOTP.isWellFormedCode(code) else {
            throw CLIError(.dataError, "a code is exactly six digits 0-9 (got \(code.count) characters) — check what was typed")
        }
        return code
    }

    func run(_ context: Context) throws -> ExitCode {
        let key = try context.installationKey()
        let db = try context.database()
        let secret = try UserSecret.lookup(db, username: username)
        guard let stored = secret.storedValue, StoredSecret.isEnrolled(stored) else {
            throw CLIError(.dataError, "user '\(Printable.quoted(secret.username))' is not enrolled in 2FA (no secret stored) — they set it up at next login, or use 'tcadmin enroll \(Printable.quoted(secret.username))'")
        }
        let plain: PlainSecret
        let format: SecretFormat
        switch try SecretCodec(key: key).classify(stored) {
        case .decrypted(let f, let s): (format, plain) = (f, s)
        case .undecryptable(let f, let reason):
            throw CLIError(.dataError, "the stored secret of '\(Printable.quoted(secret.username))' cannot be used: its \(f.label) value \(reason.explanation) — check the installation key; 'tcadmin reset-2fa \(Printable.quoted(secret.username))' lets them enroll again")
        case .notEnrolled:
            throw CLIError(.dataError, "user '\(Printable.quoted(secret.username))' is not enrolled in 2FA")
        }

        let raw: String
        if let code {
            raw = code
        } else {
            if context.console.inIsTerminal { context.console.err("Code for \(Printable.quoted(secret.username)): ") }
            guard let line = context.console.readLine(echo: false) else {
                throw CLIError(.dataError, "no code on stdin — give CODE as an argument or pipe it in")
            }
            raw = line
        }
        let code = try Self.validate(raw)
        let now = time ?? Int64(Date().timeIntervalSince1970)
        let totp = TOTP(secret: plain)
        let accepted = try totp.matchOffset(code: code, at: now, window: 1)
        let found = try accepted ?? totp.matchOffset(code: code, at: now, window: window)
        let diagnosis = Self.diagnose(accepted: accepted, found: found, window: window)

        if context.format == .json {
            context.console.outRaw(JSON.object([
                ("user", .string(secret.username)),
                ("accepted", .bool(accepted != nil)),
                ("format", .string(format.label)),
                ("time", .int(now)),
                ("step", .int(TOTP.step(at: now))),
                ("matched_offset_steps", found.map { .int($0) } ?? .null),
                ("matched_offset_seconds", found.map { .int($0 * 30) } ?? .null),
                ("window_steps", .int(window)),
                ("diagnosis", .string(diagnosis)),
            ]).rendered())
        } else {
            context.console.out((accepted != nil ? "accepted: " : "rejected: ") + diagnosis)
        }
        return accepted != nil ? .ok : .conditionFound
    }

    static func diagnose(accepted: Int?, found: Int?, window: Int) -> String {
        if let accepted {
            switch accepted {
            case 0: return "the code is the current one"
            case ..<0: return "the code is from the previous step (typed late; still inside the app's window)"
            default: return "the code is from the next step (the phone runs a little ahead; still inside the app's window)"
            }
        }
        guard let found else {
            return "the code matches no step within ±\(window * 30 / 60) minutes — a mistyped code, another account's entry in the authenticator, or a secret that changed (re-enrolled?)"
        }
        let seconds = abs(found) * 30
        let direction = found > 0 ? "ahead of" : "behind"
        return "the code matches \(abs(found)) steps (\(seconds) s) \(direction) this server's clock — the phone or this server is off by about \(seconds) s; run 'tcadmin ntp-check' and check the phone's time"
    }
}
