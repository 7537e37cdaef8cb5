import FoundationEssentials
import Glibc
import TeamCal

/// `tcadmin reset-2fa`: removes users' 2FA secrets so the app offers setup again,
/// after writing a backup that `restore-2fa` reads back.
struct ResetTfaCommand: Command {
    static let name = "reset-2fa"
    static let abstract = "Remove users' 2FA secrets (backed up first) so they enroll again"
    static let usage = ["reset-2fa USER... | --group G | --all | --from-file F [--dry-run] [--yes] [--backup FILE]"]
    static let discussion = """
        Removes the 'secret' option of each user, as the app's "remove 2FA" checkbox does: the
        user is asked to set up 2FA again at the next login. Names are matched exactly (the app's
        user names are case-sensitive); every named user is checked before anything is written,
        and an unknown name stops the command (exit 65) with nothing changed.

        Before deleting, the removed values are written, exactly as stored (still encrypted),
        to a backup file: --backup FILE, or reset-<time>-<database>.tcbak in tcadmin's state
        folder (TCADMIN_STATE_DIR, state-dir in the config file; default
        ~/.local/state/tcadmin, /var/lib/tcadmin for root). The file is mode 0600, written to a
        temporary file, synced and then moved into place; an existing file is never overwritten.
        If it cannot be written, nothing is deleted (exit 73). Undo with
        'tcadmin restore-2fa --from FILE'.

        Each row is deleted only if it still holds the value backed up (the tables have no
        transactions): a secret changed meanwhile is left alone and reported (exit 1). Each
        reset is recorded in the app's log (when its logUser switch is on) and in syslog.
        Asks for confirmation on a terminal; --yes for scripts. --dry-run changes nothing.

        --from-file reads user names one per line ('#' comments and blank lines ignored;
        '-' reads standard input). --group takes a group name or id (members and managers).
        """
    static let arguments = [ArgumentSpec("USER...", "user names, exactly as stored", completion: .user)]
    static let options: [OptionSpec] = [
        .value("group", "G", "every member of group G (name or id); repeat for several", repeatable: true),
        .flag("all", "every user"),
        .value("from-file", "F", "user names from F, one per line ('-': standard input)", completion: .file),
        .flag("dry-run", "show what would be removed; change nothing"),
        .value("backup", "FILE", "write the backup here (default: a new file in the state folder)", completion: .file),
    ]
    static let formats: [OutputFormat] = [.text]
    static let examples = [
        Example("--app-dir /var/www/teamcal reset-2fa jdoe", "jdoe lost the phone: enroll again at the next login"),
        Example("--app-dir /var/www/teamcal reset-2fa --group Sales --dry-run", "who in Sales would be reset"),
        Example("--app-dir /var/www/teamcal reset-2fa --from-file leavers.txt --yes --backup /root/reset.tcbak", "from a script, backup where you want it"),
    ]

    enum Selection {
        case names([String])
        case groups([String])
        case all
        case file(String)
    }

    let selection: Selection
    let dryRun: Bool
    let backupPath: String?

    init(_ arguments: ParsedArguments) throws {
        var modes: [Selection] = []
        if !arguments.positionals.isEmpty { modes.append(.names(arguments.positionals)) }
        if !arguments.all("group").isEmpty { modes.append(.groups(arguments.all("group"))) }
        if arguments.flag("all") { modes.append(.all) }
        if let file = arguments.value("from-file") { modes.append(.file(file)) }
        guard modes.count == 1, let mode = modes.first else {
            throw CLIError.usage(modes.isEmpty ? "say whose 2FA to reset: USER..., --group G, --all or --from-file F"
                                               : "give only one of USER..., --group, --all and --from-file", command: Self.name)
        }
        selection = mode
        dryRun = arguments.flag("dry-run")
        backupPath = arguments.value("backup")
    }

    func run(_ context: Context) throws -> ExitCode {
        let console = context.console
        // Read a names file before connecting: a missing file is the operator's to fix first.
        var names: [String]?
        switch selection {
        case .names(let list): names = list
        case .file(let path): names = try Self.readNames(path, console: console)
        case .groups, .all: break
        }
        let db = try context.database()
        let users: [UserRef]
        if let names {
            users = try Self.resolve(names, db)
        } else if case .groups(let specs) = selection {
            users = try db.allUsers(memberOf: try db.findGroups(specs))
        } else {
            users = try db.allUsers()
        }
        let reset = try SecretReset(db, users: users)
        let removing = reset.rowsToRemove.count
        for item in reset.items {
            let name = Printable.quoted(item.user.username)
            if let owner = item.sharesRowWith {
                console.note("\(name): shares its secret with '\(Printable.quoted(owner))' (names differ only in case or accents)")
            } else if item.rows.isEmpty {
                console.note("\(name): not enrolled — nothing to reset")
            } else if dryRun {
                console.out("would reset \(name)")
            }
        }
        guard removing > 0 else {
            let why = users.isEmpty ? "no users selected" : users.count == 1 ? "the user is not enrolled" : "none of the \(users.count) users is enrolled"
            console.out("nothing to reset: \(why)")
            return .ok
        }
        let path = try backupPath ?? Self.defaultBackupPath(context, database: db.schema.database, prefix: "reset")
        if dryRun {
            console.out("would back up \(removing) secret\(removing == 1 ? "" : "s") to \(path) and reset \(reset.enrolledCount) user\(reset.enrolledCount == 1 ? "" : "s")")
            console.note("dry run: nothing changed")
            return .ok
        }
        guard try context.confirm("Reset 2FA for \(reset.enrolledCount) user\(reset.enrolledCount == 1 ? "" : "s")? They will have to set it up again at their next login.") else {
            console.err("nothing changed")
            return .conditionFound
        }
        try reset.backup(database: db.schema.database, prefix: db.schema.prefix).write(to: path)
        console.out("backup: \(path) (\(removing) secret\(removing == 1 ? "" : "s"); undo with: tcadmin restore-2fa --from \(path))")
        var changed: [String] = []
        try reset.execute(db, audit: context.auditLog(db)) { item, outcome in
            switch outcome {
            case .removed: console.out("reset \(Printable.quoted(item.user.username))")
            case .changed: changed.append(item.user.username)
            case .notEnrolled, .sharedWith: break
            }
        }
        if !changed.isEmpty {
            console.warning("left alone, changed since they were read: \(changed.map { Printable.quoted($0) }.joined(separator: ", "))")
            return .conditionFound
        }
        return .ok
    }

    /// Every name must be an account; all failures are reported together.
    static func resolve(_ names: [String], _ db: TeamCalDatabase) throws -> [UserRef] {
        var users: [UserRef] = []
        var seen: Set<UserRef> = []
        var failures: [String] = []
        for name in names {
            do {
                let user = try db.findUser(name)
                if seen.insert(user).inserted { users.append(user) }
            } catch let failure as LookupFailure {
                failures.append(failure.message)
            }
        }
        if failures.count == 1 { throw CLIError(.dataError, failures[0]) }
        if !failures.isEmpty {
            throw CLIError(.dataError, "\(failures.count) unknown users, nothing changed: " + failures.joined(separator: "; "))
        }
        return users
    }

    static func readNames(_ path: String, console: Console) throws -> [String] {
        let text: String
        // "-" is standard input, read through the same bounded reader as a file.
        do { text = try TextFile.read(path == "-" ? "/dev/stdin" : path) } catch where error.kind == .tooLarge {
            throw CLIError(.dataError, "the names file \(path) is larger than \(error.limit >> 20) MiB — give a list of user names")
        } catch {
            throw CLIError(.dataError, "cannot read the names file \(path) — check the path and its permissions")
        }
        let names = TextFile.lines(text)
            .map { $0.trimmingBlanks() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !names.isEmpty else { throw CLIError(.dataError, "the names file \(path) names no user") }
        return names
    }

    /// A new file name in tcadmin's state folder (created 0700), never an existing one.
    static func defaultBackupPath(_ context: Context, database: String, prefix: String) throws -> String {
        let dir = context.configuration.stateDir
        do {
            try SecretFile.makePrivateDirectory(dir)
        } catch {
            throw CLIError(.cannotCreate, "cannot create the state folder \(dir): \(error.message) — set TCADMIN_STATE_DIR or give --backup FILE")
        }
        let safe = String(database.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }.prefix(64))
        let base = "\(dir)/\(prefix)-\(formatTime(Date(), "%Y%m%d-%H%M%S", utc: false))-\(safe)"
        var path = "\(base).\(SecretBackup.fileExtension)"
        var n = 2
        while FileManager.default.fileExists(atPath: path) {
            path = "\(base)-\(n).\(SecretBackup.fileExtension)"
            n += 1
        }
        return path
    }
}
