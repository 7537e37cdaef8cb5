import TeamCal

/// `tcadmin restore-2fa --from FILE`: puts secrets removed by `reset-2fa` back.
struct RestoreTfaCommand: Command {
    static let name = "restore-2fa"
    static let abstract = "Put back 2FA secrets from a reset-2fa backup file"
    static let usage = ["restore-2fa --from FILE [--dry-run] [--force [--backup FILE]] [--yes]"]
    static let discussion = """
        Reads a backup written by reset-2fa and puts each secret back, exactly as it was stored.
        The file is checked first: a truncated or altered file, or one taken of another database,
        is refused (exit 65) with nothing written.

        A user who has enrolled again since the reset keeps the new secret and is reported
        (exit 1), unless --force: then the current secret is first written to a new backup file
        (--backup FILE, or restore-<time>-<database>.tcbak in the state folder) and replaced;
        --force asks for confirmation on a terminal (--yes for scripts). A user whose secret is
        already the backed-up one is left as is; a user who no longer exists is reported (exit 1).
        Each restore is recorded in the app's log (when its logUser switch is on) and in syslog.
        --dry-run changes nothing.
        """
    static let options: [OptionSpec] = [
        .value("from", "FILE", "the backup file written by reset-2fa", completion: .file),
        .flag("dry-run", "show what would be restored; change nothing"),
        .flag("force", "also replace secrets of users who enrolled again (after backing them up)"),
        .value("backup", "FILE", "with --force: where to back up the secrets replaced", completion: .file),
    ]
    static let formats: [OutputFormat] = [.text]
    static let examples = [
        Example("--app-dir /var/www/teamcal restore-2fa --from ~/.local/state/tcadmin/reset-20261203-101500-teamcal.tcbak",
                "undo a reset"),
        Example("--app-dir /var/www/teamcal restore-2fa --from reset.tcbak --dry-run", "what a restore would do"),
    ]

    let from: String
    let dryRun: Bool
    let force: Bool
    let backupPath: String?

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(0...0, names: "")
        guard let from = arguments.value("from") else {
            throw CLIError.usage("name the backup file: --from FILE", command: Self.name)
        }
        self.from = from
        dryRun = arguments.flag("dry-run")
        force = arguments.flag("force")
        backupPath = arguments.value("backup")
        if backupPath != nil && !force {
            throw CLIError.usage("--backup goes with --force (only replaced secrets are backed up)", command: Self.name)
        }
    }

    func run(_ context: Context) throws -> ExitCode {
        let console = context.console
        // The file is verified before anything connects or writes.
        let backup = try SecretBackup.read(from: from)
        let db = try context.database()
        let restore = try SecretRestore(db, backup: backup, force: force)
        var problems = 0
        var toWrite = 0
        for item in restore.items {
            let name = Printable.quoted(item.entry.user)
            switch item.action {
            case .insert, .fill:
                toWrite += 1
                if dryRun { console.out("would restore \(name)") }
            case .overwrite:
                toWrite += 1
                if dryRun { console.out("would replace the current secret of \(name) (enrolled again since the reset)") }
            case .alreadyInPlace:
                console.note("\(name): the backed-up secret is in place already")
            case .reenrolled:
                problems += 1
                console.warning("\(name) has enrolled again since the reset: kept the new secret (--force replaces it)")
            case .userGone:
                problems += 1
                console.warning("\(name) no longer exists: not restored")
            case .duplicate:
                console.note("\(name): appears more than once in the backup; the first entry is restored")
            }
        }
        let outcome: ExitCode = problems > 0 ? .conditionFound : .ok
        guard toWrite > 0 else {
            console.out("nothing to restore")
            return outcome
        }
        if dryRun {
            console.note("dry run: nothing changed")
            return outcome
        }
        let overwritten = restore.overwritten
        if !overwritten.isEmpty {
            guard try context.confirm("Replace the current 2FA secret of \(overwritten.count) user\(overwritten.count == 1 ? "" : "s") who enrolled again?") else {
                console.err("nothing changed")
                return .conditionFound
            }
            let path = try backupPath ?? ResetTfaCommand.defaultBackupPath(context, database: db.schema.database, prefix: "restore")
            try SecretBackup(database: db.schema.database, prefix: db.schema.prefix, entries: overwritten).write(to: path)
            console.out("backup of the replaced secrets: \(path)")
        }
        var conflicts: [String] = []
        try restore.execute(db, audit: context.auditLog(db)) { item, result in
            switch result {
            case .restored: console.out("restored \(Printable.quoted(item.entry.user))")
            case .conflict: conflicts.append(item.entry.user)
            case .skipped: break
            }
        }
        if !conflicts.isEmpty {
            console.warning("not restored, changed meanwhile: \(conflicts.map { Printable.quoted($0) }.joined(separator: ", "))")
            return .conditionFound
        }
        return outcome
    }
}
