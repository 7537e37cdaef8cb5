import FoundationEssentials
import Glibc
import TCCrypto
import TCQRCode
import TeamCal

/// `tcadmin enroll USER`: what the app's 2FA setup page does, without the online QR
/// service it depends on — a new secret, its QR code drawn here, stored once the user's
/// authenticator proves it has it.
struct EnrollCommand: Command {
    static let name = "enroll"
    static let abstract = "Enroll a user in 2FA offline, with a QR code drawn here instead of by an online service"
    static let usage = ["enroll USER [--png FILE] [--force [--backup FILE]] [--no-verify] [--dry-run] [--yes]"]
    static let discussion = """
        The app's own 2FA setup page asks an online service (api.qrserver.com) for its QR
        image; on a server without internet access the page fails, and with 2FA forced users
        who are not enrolled cannot log in. enroll does the setup here instead: it makes a
        160-bit secret (OpenSSL's random generator, base32 as the app's library makes them)
        and shows the provisioning URI exactly as the app builds it
        (otpauth://totp/USER?secret=SECRET&issuer=TeamCal%20Neo followed by
        &period=30&algorithm=SHA1&digits=6), with its QR code drawn in the terminal
        (black on white, to scan from the screen) and, with --png FILE, written to a new
        PNG image (mode 0600; an existing file is never overwritten).

        As on the app's setup page, nothing is stored until the authenticator proves it works:
        enroll asks for the code it shows and stores the secret (v2 format, under the
        installation key) only when the code matches the current 30-second step or one either
        side; three tries. --no-verify stores it at once (the user is not present: hand the
        PNG over in person, then delete it). The code is read from stdin, not echoed.

        The secret, the URI and the QR code go only to a terminal or to the PNG file: never to
        a pipe, a log or an error message. Without a terminal on stdout, --png FILE is needed,
        and only the file's name is printed.

        A user who is enrolled already is refused (exit 65) unless --force: then the current
        secret is first written to a backup file, as reset-2fa writes it (--backup FILE, or
        enroll-<time>-<database>.tcbak in the state folder), so 'tcadmin restore-2fa --from
        FILE --force' puts it back; --force asks for confirmation on a terminal (--yes for
        scripts). The secret is stored with a compare-and-set: if the user enrolled through
        the app meanwhile, nothing is stored (exit 1). With OIDC on (OIDC_YES in the app's
        .env), only the local admin account uses the app's own 2FA: other users are refused
        (exit 65). Each enrollment is recorded in the app's log (when its logUser switch is
        on) and in syslog. --dry-run checks the user and says what would happen; it makes
        no secret and changes nothing.

        With NO_COLOR or --no-color the code is drawn in the terminal's own colours (scan it
        on a light background, or use --png).

        Exit: 0 enrolled, 1 not enrolled (the code did not match, not confirmed, or enrolled
        meanwhile), 64 no terminal and no --png, 65 unknown user, enrolled already or OIDC,
        73 the PNG or backup file exists or cannot be written.
        """
    static let arguments = [ArgumentSpec("USER", "the TeamCal Neo username, exactly as stored", completion: .user)]
    static let options: [OptionSpec] = [
        .value("png", "FILE", "also write the QR code to FILE, a new PNG image (mode 0600)", completion: .file),
        .flag("force", "replace the secret of a user who is enrolled already (backed up first)"),
        .value("backup", "FILE", "with --force: where to back up the replaced secret (default: a new file in the state folder)",
               completion: .file),
        .flag("no-verify", "store the secret at once, without asking for a code from the authenticator"),
        .flag("dry-run", "check the user and say what would be done; change nothing"),
    ]
    static let formats: [OutputFormat] = [.text]
    static let examples = [
        Example("--app-dir /var/www/teamcal enroll jdoe", "jdoe scans the code on this screen and types the code the phone shows"),
        Example("--app-dir /var/www/teamcal enroll jdoe --png /root/jdoe.png --no-verify",
                "provision jdoe without them present: hand the image over in person, then delete it"),
        Example("--app-dir /var/www/teamcal enroll jdoe --force", "a new phone: replace jdoe's secret (the old one is backed up)"),
    ]

    /// Codes the user may type before enroll gives up.
    static let attempts = 3

    let username: String
    let pngPath: String?
    let force: Bool
    let backupPath: String?
    let verify: Bool
    let dryRun: Bool

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(1...1, names: "USER (the username to enroll)")
        username = arguments.positionals[0]
        pngPath = arguments.value("png")
        force = arguments.flag("force")
        backupPath = arguments.value("backup")
        verify = !arguments.flag("no-verify")
        dryRun = arguments.flag("dry-run")
        if backupPath != nil && !force {
            throw CLIError.usage("--backup goes with --force (only a replaced secret is backed up)", command: Self.name)
        }
        if pngPath?.isEmpty == true { throw CLIError.usage("--png needs a file name", command: Self.name) }
    }

    func run(_ context: Context) throws -> ExitCode {
        let console = context.console
        guard console.outIsTerminal || pngPath != nil || dryRun else {
            throw CLIError.usage("the secret is shown only on a terminal — run on a terminal or use --png FILE", command: Self.name)
        }
        // Files that exist are refused before anything else happens (and again when written).
        for path in [pngPath, backupPath].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            throw Self.exists(path)
        }
        let key = try context.installationKey()
        let db = try context.database()
        let user = try db.findUser(username)
        let name = Printable.quoted(user.username)
        if context.configuration.installFolder?.oidcEnabled == true && user.username != "admin" {
            throw CLIError(.dataError, "OIDC is on: '\(name)' logs in through the identity provider, which manages their 2FA — only the local admin account uses the app's own 2FA")
        }
        let enrollment = try SecretEnrollment(db, user: user)
        var backupFile: String?
        if enrollment.isEnrolled {
            guard force else {
                throw CLIError(.dataError, "'\(name)' is enrolled in 2FA already — add --force to replace the secret (the current one is backed up first)")
            }
            backupFile = try backupPath ?? ResetTfaCommand.defaultBackupPath(context, database: db.schema.database, prefix: "enroll")
        }
        if dryRun {
            if let backupFile {
                console.out("would back up the current secret of \(name) to \(backupFile) and enroll \(name) with a new one")
            } else {
                console.out("would enroll \(name)" + (verify ? " once the authenticator's code matches" : ""))
            }
            console.note("dry run: nothing changed")
            return .ok
        }
        if backupFile != nil {
            guard try context.confirm("Replace the 2FA secret of \(name)? The entry in their authenticator stops working (the current secret is backed up).") else {
                console.err("nothing changed")
                return .conditionFound
            }
        }

        let codec = try SecretCodec(key: key)
        let secret = try SystemRandom.generateSecret()
        let stored = try codec.encryptV2(secret)
        guard case .decrypted(.v2, let check) = try codec.classify(stored), check == secret else {
            throw CLIError(.software, "the new secret does not decrypt back to itself — nothing stored")
        }
        let uri = ProvisioningURI.make(username: user.username, secret: secret)
        let code: QRCode
        do { code = try QRCode(encoding: uri) } catch {
            throw CLIError(.software, "cannot make the QR code: \(Self.describe(error)) — nothing stored")
        }
        if let pngPath {
            do { try code.writePNG(to: pngPath) } catch {
                if case .fileExists = error { throw Self.exists(pngPath) }
                throw CLIError(.cannotCreate, "cannot write the QR code to \(pngPath): \(Self.describe(error)) — nothing stored")
            }
        }
        // A PNG of a secret that was not stored must not be scanned later: removed on every way out but success.
        var enrolled = false
        defer { if !enrolled { discardPNG(console) } }
        if console.outIsTerminal {
            show(code, uri: uri, secret: secret, user: name, console: console)
        }
        if let pngPath {
            console.note("QR code for \(name) written to \(pngPath) (mode 0600): scan it with the authenticator app")
        }

        if verify {
            switch try verification(secret, console: console) {
            case .matched:
                break
            case .mismatched:
                throw CLIError(.conditionFound, "not enrolled: the code did not match — nothing stored (check the phone's time; 'tcadmin ntp-check' checks this server's clock)")
            case .noCode:
                throw CLIError(.conditionFound, "not enrolled: no code was entered — nothing stored (--no-verify stores the secret without a code)")
            }
        }
        if let backupFile {
            try enrollment.backup(database: db.schema.database, prefix: db.schema.prefix).write(to: backupFile)
            console.out("backup: \(backupFile) (undo with: tcadmin restore-2fa --from \(backupFile) --force)")
        }
        switch try enrollment.store(stored, in: db, audit: context.auditLog(db)) {
        case .stored:
            enrolled = true
            console.out("enrolled \(name)" + (verify ? ": the code matched, the secret is stored" : ": the secret is stored"))
            if let pngPath {
                console.note("\(pngPath) holds the secret: hand it over in person, then delete it (shred -u \(pngPath))")
            }
            return .ok
        case .changed:
            throw CLIError(.conditionFound, "'\(name)' enrolled meanwhile (through the app?): nothing stored — delete the entry just scanned from the authenticator; --force replaces their secret")
        }
    }

    /// The QR code and the same data for typing by hand. Only ever on a terminal.
    private func show(_ code: QRCode, uri: String, secret: PlainSecret, user: String, console: Console) {
        console.out("")
        console.outRaw(code.terminalText(quietZone: 4, colors: console.outColor))
        console.out("")
        console.out("Scan the code with the authenticator app, or type the key by hand:")
        console.out("  account  \(user)")
        console.out("  issuer   \(ProvisioningURI.issuer)")
        console.out("  key      \(secret.base32)   (time-based, 6 digits, every 30 s, SHA1)")
        console.out("  URI      \(uri)")
        console.out("")
        if !console.outColor {
            console.note("the code is drawn in the terminal's own colours: if the camera cannot read it, use a light background or --png FILE")
        }
    }

    enum Verification { case matched, mismatched, noCode }

    /// Asks for codes until one matches the app's window (±1 step) or the tries run out.
    private func verification(_ secret: PlainSecret, console: Console) throws -> Verification {
        let totp = TOTP(secret: secret)
        for attempt in 1...Self.attempts {
            let left = Self.attempts - attempt
            let retry = left > 0 ? " (\(left) more \(left == 1 ? "try" : "tries"))" : ""
            if console.inIsTerminal { console.err("Code from the authenticator: ") }
            guard let line = console.readLine(echo: false) else { return attempt == 1 ? .noCode : .mismatched }
            let code: String
            do { code = try TestCodeCommand.validate(line) } catch let error as CLIError {
                console.warning(error.message + retry)
                continue
            }
            let now = Int64(Date().timeIntervalSince1970)
            if try totp.matchOffset(code: code, at: now, window: 1) != nil { return .matched }
            let found = try totp.matchOffset(code: code, at: now, window: 20)
            console.warning("the code did not match: " + TestCodeCommand.diagnose(accepted: nil, found: found, window: 20) + retry)
        }
        return .mismatched
    }

    private func discardPNG(_ console: Console) {
        guard let pngPath else { return }
        if unlink(pngPath) == 0 { console.note("removed \(pngPath): its secret was not stored") }
    }

    private static func exists(_ path: String) -> CLIError {
        CLIError(.cannotCreate, "\(path) exists — give a new file name (an existing file is never overwritten)")
    }

    private static func describe(_ error: QRCodeError) -> String {
        switch error {
        case .cannotEncode(let reason): return reason
        case .fileExists(let path): return "\(path) exists"
        case .cannotWrite(_, let reason): return reason
        }
    }
}
