import Dispatch
import FoundationEssentials
import Glibc
import TCCrypto
import TCDatabase
import TeamCal

/// `tcadmin migrate-secrets`: re-encrypts stored secrets in the current format (legacy → v2),
/// or under a new installation key, in journaled compare-and-set batches; or rolls a
/// migration back from its journal. A dry run unless --execute.
struct MigrateSecretsCommand: Command {
    static let name = "migrate-secrets"
    static let abstract = "Re-encrypt stored secrets as v2 (or under a new key), resumably; roll a migration back"
    static let usage = [
        "migrate-secrets [--execute] [--batch-size N] [--sleep S] [--journal FILE] [--include-archive] [--format text|json]",
        "migrate-secrets --new-key-file F [--execute] [--batch-size N] [--sleep S] [--journal FILE] [--include-archive]",
        "migrate-secrets --rollback [--journal FILE] [--execute]",
    ]
    static let discussion = """
        Without --execute nothing is written: every stored secret (user_option, and
        archive_user_option with --include-archive) is classified with the installation key
        as already in the target format, to migrate, not enrolled ('' or '0') or undecryptable,
        and the plan is printed. Undecryptable values are listed (first 1000) and never touched.

        Target format: legacy values become v2 under the current key; v2 values are already
        there and skipped. With --new-key-file F (first line: the new APP_LIC_KEY), every value
        that decrypts becomes v2 under the new key, and values that already decrypt under the
        new key are skipped, so a re-run resumes. Until APP_LIC_KEY in APP/config/config.app.php
        is the new key, the app cannot read re-keyed secrets: re-key in a maintenance window.

        Before anything is written the key is proven: if no stored value decrypts with it,
        the command stops with exit 78. With --execute it takes a database advisory lock
        (a second migration exits 75), checks that the account may write (77), asks for
        confirmation on a terminal (--yes for scripts), then works in batches of --batch-size
        rows to migrate (found by the plan's one pass over the secrets), each batch read again
        by primary key (--sleep S pauses between batches for a busy server): decrypt, encrypt
        v2 with a fresh IV, check that the new value decrypts to the same secret, append old
        and new stored values (never a plain secret) to the journal and fsync it, and only
        then one compare-and-set UPDATE for the batch, from a second connection while the
        next batch is prepared: a row is written only if it still holds the value that was
        read. Rows that changed meanwhile (a user who re-enrolled) are never overwritten;
        they are listed and the exit status is 1.

        Interrupted (kill -9, lost connection: exit 69, full disk: exit 73)? Run the same
        command again: rows already in the target format are skipped, and the batch that was
        cut off is reconciled with the journal. Progress (rows, rows/s, ETA) is shown on a
        terminal; the app's log gets one 'logDatabase' row when its switch is on.

        Journal: --journal FILE, default <state dir>/migrate-<database>-<prefix>.journal
        (state dir: TCADMIN_STATE_DIR, state-dir in the config file, else /var/lib/tcadmin for
        root or ~/.local/state/tcadmin); mode 0600. One file holds one job and the runs that
        resumed it; when a new job starts, a finished job's file is renamed with its start time.
        Text lines: H header, B batch, R row (table, id, username, old value, new value),
        C batch confirmed, V record void (never written), K cut-off batch reconciled,
        E run finished, U rolled back; fields tab-separated and %-escaped, each line ending in
        its CRC-32, so a torn last line is dropped and damage elsewhere is refused (exit 65).

        --rollback reads the journal (default path as above) and, also a dry run unless
        --execute, gives every row its old stored value back, byte for byte, wherever the row
        still holds the value the migration wrote; rows changed since are listed and left
        alone. The records are undone from the last to the first; voided records are skipped.
        No key is needed. After rolling back a re-key, APP_LIC_KEY must be the old key again.

        JSON (stable), migration: {"mode": "migrate"|"rekey", "executed", "tables": [{"table",
        "stored", "target", "legacy", "v2_current_key", "not_enrolled", "undecryptable",
        "migrated", "changed"}...], "totals": {same keys but "table"}, "undecryptable":
        [{"table", "username", "format", "reason"}...], "undecryptable_not_listed",
        "changed_during_run": [{"table", "username"}...], "journal" (path or null),
        "resumed" ({"table", "batch", "rows", "applied", "voided"} or null), "seconds", "ok"}.
        Before --execute the counts are the plan's; after it, what each batch found.
        Rollback: {"mode": "rollback", "executed", "journal", "job", "job_mode", "records",
        "restored", "already_restored", "changed", "changed_since": [{"table", "username"}...],
        "ok"}; in a dry run "restored" counts the rows that would be restored.

        Exit: 0 done, nothing left over · 1 undecryptable or changed rows remain · 64 usage ·
        65 bad journal (damaged, another database's, another job's) · 69 database lost (run
        again) · 73 journal cannot be written (disk full: nothing was written for the batch in
        progress) · 75 another migration holds the lock · 77 no write permission ·
        78 wrong key, or a new key equal to the current one.
        """
    static let options: [OptionSpec] = [
        .flag("execute", "write: without it, only the plan is printed"),
        .value("batch-size", "N", "rows per batch (1 to \(SecretMigration.maximumBatchSize))", default: "\(SecretMigration.defaultBatchSize)"),
        .value("sleep", "S", "seconds to pause between batches, to spare a busy server", default: "0"),
        .value("journal", "FILE", "journal of old and new values (default: in the state dir)", completion: .file),
        .value("new-key-file", "F", "re-encrypt everything under the new installation key on F's first line", completion: .file),
        .flag("include-archive", "also migrate archived users' secrets (archive_user_option)"),
        .flag("rollback", "restore the old values recorded in the journal"),
    ]
    static let examples = [
        Example("--app-dir /var/www/teamcal migrate-secrets", "the plan: what would be migrated, what cannot be"),
        Example("--app-dir /var/www/teamcal migrate-secrets --execute --include-archive", "migrate every legacy secret to v2"),
        Example("--app-dir /var/www/teamcal migrate-secrets --execute --yes --sleep 0.05", "from a script, gently on a busy server"),
        Example("--app-dir /var/www/teamcal migrate-secrets --new-key-file /root/new.key --execute", "re-key; then put the new key into config.app.php"),
        Example("--app-dir /var/www/teamcal migrate-secrets --rollback --journal FILE --execute", "undo a migration"),
    ]

    let execute: Bool
    let batchSize: Int
    let pause: Double
    let journal: String?
    let newKeyFile: String?
    let includeArchive: Bool
    let rollback: Bool

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(0...0, names: "")
        execute = arguments.flag("execute")
        batchSize = try arguments.int("batch-size", default: SecretMigration.defaultBatchSize,
                                      range: 1...SecretMigration.maximumBatchSize)
        pause = try arguments.double("sleep", default: 0, range: 0...60)
        journal = arguments.value("journal").map { $0.isEmpty ? "." : $0 }
        newKeyFile = arguments.value("new-key-file")
        includeArchive = arguments.flag("include-archive")
        rollback = arguments.flag("rollback")
        if rollback {
            for option in ["new-key-file", "include-archive", "sleep"] where arguments.has(option) {
                throw CLIError.usage("--rollback takes no --\(option): it restores every row its journal names", command: Self.name)
            }
        }
    }

    func run(_ context: Context) throws -> ExitCode {
        do {
            return rollback ? try runRollback(context) : try runMigration(context)
        } catch let error as MigrationError {
            throw Self.cliError(error, context: context)
        } catch let error as JournalError {
            throw Self.cliError(error, rollback: rollback)
        }
    }

    // MARK: Migration

    private func runMigration(_ context: Context) throws -> ExitCode {
        let console = context.console
        let json = context.format == .json
        let key = try context.installationKey()
        let newKey = try newKeyFile.map { try Self.readNewKey($0, current: key, console: console) }
        let db = try context.database()
        if includeArchive && !db.schema.has("archive_user_option") {
            console.warning("there is no \(db.schema.prefix)archive_user_option table: only \(db.schema.prefix)user_option is migrated")
        }
        let migration = try SecretMigration(db: db, currentKey: key, newKey: newKey,
                                            includeArchive: includeArchive, batchSize: batchSize)
        let path = try journalPath(context, db: db, create: execute)
        let scan = JournalScan.exists(path) ? try JournalScan.read(path) : nil
        try Self.checkBelongs(scan, to: db, path: path)
        let resuming = scan?.state == .interrupted
        if resuming, let header = scan?.header, header.mode != migration.mode {
            throw CLIError(.dataError, "\(path) holds an interrupted \(Self.describe(header.mode)) — finish it first (the same command \(header.mode == .rekey ? "with" : "without") --new-key-file, and --execute) or roll it back (--rollback --execute), or give another --journal")
        }

        let lock = MigrationLock(db: db)
        if execute {
            try lock.acquire()
        } else if let holder = try lock.holder() {
            console.warning("a migration is running right now (connection \(holder)): these counts are changing")
        }
        defer { if execute { lock.release() } }

        let survey = try migration.survey(keepingCandidates: execute) { read in
            console.progress("planning: \(read) secret rows classified")
        }
        console.endProgress()
        let total = survey.total
        guard survey.provesKey else {
            throw CLIError(.configuration, "the installation key does not decrypt any stored secret (\(total.enrolled) enrolled, none decrypt) — check --app-dir, --key-file or TCADMIN_APP_KEY; nothing was written")
        }
        if survey.keyDoubtful {
            console.warning("more stored secrets fail to decrypt (\(total.undecryptable)) than decrypt (\(total.decryptable)) — is this the installation's APP_LIC_KEY? Only values that decrypt are migrated")
        }
        if !json { printPlan(survey, mode: migration.mode, console: console) }
        if resuming, !execute {
            console.note("\(path) holds an interrupted run: --execute finishes it")
        }

        guard execute else {
            if !json {
                console.out("dry run: nothing written — add --execute to migrate \(Self.secrets(total.toMigrate))")
            } else {
                console.outRaw(Self.migrationJSON(mode: migration.mode, executed: false, survey: survey, result: nil,
                                                  journal: nil, reconciliation: nil).rendered())
            }
            if migration.mode == .rekey { console.note(Self.rekeyReminder) }
            return total.undecryptable > 0 ? .conditionFound : .ok
        }

        if total.toMigrate == 0 && !resuming {
            if json {
                console.outRaw(Self.migrationJSON(mode: migration.mode, executed: true, survey: survey, result: nil,
                                                  journal: nil, reconciliation: nil).rendered())
            } else {
                console.out("nothing to migrate: every secret that decrypts is already \(Self.targetLabel(migration.mode))")
            }
            if migration.mode == .rekey { console.note(Self.rekeyReminder) }
            return total.undecryptable > 0 ? .conditionFound : .ok
        }

        try migration.checkWritePermission()
        let question = "Migrate \(Self.secrets(total.toMigrate)) in \(db.schema.database) (prefix \(db.schema.prefix)) to \(Self.targetLabel(migration.mode))?"
        guard try context.confirm(question) else {
            console.note("cancelled: nothing written")
            return .ok
        }

        // The journal: resume the interrupted job, or start a new one (a finished job's file is kept under another name).
        let writer: JournalWriter
        var jobID = JournalWriter.newIdentifier()
        if resuming, let scan, let header = scan.header {
            writer = try JournalWriter(path: path, truncatingTo: scan.goodLength)
            jobID = header.job
            if scan.tornBytes > 0 { console.note("journal: dropped a torn last line (\(scan.tornBytes) bytes) left by the interrupted run") }
        } else {
            if let scan, scan.state != .empty {
                let kept = try Self.rotate(path, started: scan.header?.started ?? "")
                console.note("journal: the previous job's journal is kept as \(kept)")
            }
            writer = try JournalWriter(path: path, truncatingTo: 0)
        }
        let runID = JournalWriter.newIdentifier()
        let result: MigrationResult
        var reconciliation: Reconciliation?
        do {
            // The batch the interrupted run left open is settled before this run's header, so
            // that a crash right here leaves it open for the next attempt.
            if resuming, let open = scan?.openBatch {
                let settled = try migration.reconcile(open, journal: writer)
                reconciliation = settled
                console.note("resumed: batch \(settled.batch) of the interrupted run (\(settled.table)) had \(settled.applied) of \(settled.rows) rows written; the others are migrated now")
            }
            writer.append(.header(JournalHeader(job: jobID, run: runID, mode: migration.mode, database: db.schema.database,
                                                prefix: db.schema.prefix, started: JournalWriter.timestamp())))
            try writer.sync()
            console.detail("journal: \(path) (job \(jobID), run \(runID))")
            var lastShown = 0.0
            let expected = max(total.toMigrate, 1)
            result = try migration.run(survey, journalPath: path, run: runID, pause: pause) { p in
                guard p.seconds - lastShown >= 0.1 else { return }
                lastShown = p.seconds
                let rate = Double(p.migrated) / max(p.seconds, 0.001)
                let left = max(expected - p.migrated, 0)
                let eta = rate > 0 ? "\(Int((Double(left) / rate).rounded(.up))) s" : "…"
                console.progress("migrated \(p.migrated)/\(expected) secrets, \(Int(rate)) secrets/s, ETA \(eta)" +
                                 (p.changed > 0 ? ", \(p.changed) changed meanwhile" : ""))
            }
        } catch let error as DatabaseError where error.category == .unavailable || error.category == .tls {
            // A dropped TLS connection reports a TLS error.
            console.endProgress()
            throw CLIError(.unavailable, "lost the database during the migration: \(error.message) — when it is back, run the same command again: it resumes, and the journal \(path) settles the batch that was cut off")
        } catch {
            console.endProgress()
            throw error
        }
        console.endProgress()

        if result.migrated > 0 {
            let event = migration.mode == .rekey
                ? "2FA secrets re-encrypted as v2 under a new installation key: \(result.migrated) rows (tcadmin)"
                : "2FA secrets migrated to v2: \(result.migrated) rows (tcadmin)"
            do { try context.auditLog(db).record(.database, event) } catch {
                console.warning("the migration is done but the app's log could not be written: \(error)")
            }
        }

        if json {
            console.outRaw(Self.migrationJSON(mode: migration.mode, executed: true, survey: survey, result: result,
                                              journal: path, reconciliation: reconciliation).rendered())
        } else {
            printSummary(result, mode: migration.mode, path: path, console: console)
        }
        if migration.mode == .rekey { console.note(Self.rekeyReminder) }
        return result.undecryptable > 0 || result.changed > 0 ? .conditionFound : .ok
    }

    private func printPlan(_ survey: MigrationSurvey, mode: MigrationMode, console: Console) {
        console.out(mode == .rekey ? "plan: every secret → v2 under the new installation key"
                                   : "plan: legacy secrets → v2 under the current installation key")
        for (table, c) in survey.tables {
            var parts = ["\(c.toMigrate) to migrate (" + Self.sources(c, mode: mode) + ")",
                         "\(c.target) already \(Self.targetLabel(mode))", "\(c.notEnrolled) not enrolled"]
            parts.append("\(c.undecryptable) undecryptable")
            console.out("  \(table): \(c.stored) secret \(c.stored == 1 ? "row" : "rows") — " + parts.joined(separator: ", "))
        }
        for bad in survey.undecryptable {
            let place = bad.table == "user_option" ? "" : " [\(bad.table)]"
            console.out("undecryptable, left untouched: \(bad.username)\(place) — \(bad.format.label) value \(bad.reason.explanation)")
        }
        let unlisted = survey.total.undecryptable - survey.undecryptable.count
        if unlisted > 0 {
            console.out("undecryptable: \(unlisted) more not listed — 'tcadmin verify-secrets' lists them all")
        }
    }

    private func printSummary(_ result: MigrationResult, mode: MigrationMode, path: String, console: Console) {
        let rate = result.seconds > 0 ? Int(Double(result.migrated) / result.seconds) : 0
        console.out("migrated \(Self.secrets(result.migrated)) to \(Self.targetLabel(mode)) in \(result.batches) \(result.batches == 1 ? "batch" : "batches") (\(cFormat("%.2f", result.seconds)) s, \(rate) secrets/s)")
        for t in result.tables {
            console.out("  \(t.table): \(t.migrated) migrated, \(t.counts.target) already \(Self.targetLabel(mode)), \(t.counts.notEnrolled) not enrolled, \(t.counts.undecryptable) undecryptable (left untouched), \(t.changed) changed during the run")
        }
        for row in result.changedRows {
            let place = row.table == "user_option" ? "" : " [\(row.table)]"
            console.out("changed during the run, left as it is now: \(row.username)\(place)")
        }
        if result.changed > result.changedRows.count {
            console.out("changed during the run: \(result.changed - result.changedRows.count) more not listed (V records in the journal)")
        }
        console.out("journal: \(path) — undo with: tcadmin migrate-secrets --rollback --journal \(Self.shellQuoted(path)) --execute")
    }

    // MARK: Rollback

    private func runRollback(_ context: Context) throws -> ExitCode {
        let console = context.console
        let json = context.format == .json
        let db = try context.database()
        let path = try journalPath(context, db: db, create: false)
        guard JournalScan.exists(path) else {
            throw CLIError(.dataError, "there is no journal \(path) — give the journal of the migration to undo with --journal FILE")
        }
        let scan = try JournalScan.read(path)
        try Self.checkBelongs(scan, to: db, path: path)
        guard let header = scan.header else {
            return try finishRollback(console, json: json, path: path, scan: scan, outcome: nil,
                                      message: "nothing to roll back: \(path) records no migration")
        }
        if scan.state == .rolledBack {
            return try finishRollback(console, json: json, path: path, scan: scan, outcome: nil,
                                      message: "nothing to roll back: \(path) was rolled back at \(scan.rolledBackAt ?? "?")")
        }
        let lock = MigrationLock(db: db)
        if execute {
            try lock.acquire()
        } else if let holder = try lock.holder() {
            console.warning("a migration is running right now (connection \(holder)): wait for it before rolling back")
        }
        defer { if execute { lock.release() } }

        let rollback = SecretRollback(db: db, scan: scan, batchSize: batchSize)
        if !json {
            console.out("rollback of \(path): \(Self.describe(header.mode)) of \(header.database) (prefix \(header.prefix)), job \(header.job) started \(header.started), \(scan.runs) \(scan.runs == 1 ? "run" : "runs"), \(scan.rowRecords) row records" + (scan.state == .interrupted ? " (its last run was interrupted)" : ""))
        }
        guard execute else {
            let plan = try rollback.run(dryRun: true)
            return try finishRollback(console, json: json, path: path, scan: scan, outcome: plan,
                                      message: "dry run: nothing written — \(plan.restored) rows would get their old value back, \(plan.alreadyOld) already hold it, \(plan.changed) changed since (left alone); add --execute to restore them")
        }
        try rollback.checkWritePermission()
        guard try context.confirm("Restore the values from before the migration in \(db.schema.database) (prefix \(db.schema.prefix))?") else {
            console.note("cancelled: nothing written")
            return .ok
        }
        let writer = try JournalWriter(path: path, truncatingTo: scan.goodLength)
        let outcome: RollbackOutcome
        do {
            var lastShown = 0.0
            let started = DispatchTime.now().uptimeNanoseconds
            outcome = try rollback.run(dryRun: false) { o in
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                guard seconds - lastShown >= 0.1 else { return }
                lastShown = seconds
                console.progress("restored \(o.restored)/\(scan.rowRecords) rows, \(Int(Double(o.restored) / max(seconds, 0.001))) rows/s")
            }
        } catch let error as DatabaseError where error.category == .unavailable || error.category == .tls {
            console.endProgress()
            throw CLIError(.unavailable, "lost the database during the rollback: \(error.message) — when it is back, run the same command again: rows already restored are recognised")
        } catch {
            console.endProgress()
            throw error
        }
        console.endProgress()
        writer.append(.rolledBack(job: header.job, time: JournalWriter.timestamp(), restored: outcome.restored,
                                  alreadyOld: outcome.alreadyOld, changed: outcome.changed))
        try writer.sync()
        if outcome.restored > 0 {
            do {
                try context.auditLog(db).record(.database, "2FA secret migration rolled back: \(outcome.restored) rows restored (tcadmin)")
            } catch {
                console.warning("the rollback is done but the app's log could not be written: \(error)")
            }
        }
        let code = try finishRollback(console, json: json, path: path, scan: scan, outcome: outcome,
                                      message: "restored \(outcome.restored) rows to their values from before the migration (\(outcome.alreadyOld) already held them; \(outcome.changed) changed since, left alone)")
        if header.mode == .rekey {
            console.note("the restored secrets are encrypted under the key used before the re-key: APP_LIC_KEY in APP/config/config.app.php must be that key again")
        }
        return code
    }

    private func finishRollback(_ console: Console, json: Bool, path: String, scan: JournalScan,
                                outcome: RollbackOutcome?, message: String) throws -> ExitCode {
        let changed = outcome?.changed ?? 0
        if json {
            console.outRaw(JSON.object([
                ("mode", .string("rollback")),
                ("executed", .bool(execute && outcome != nil)),
                ("journal", .string(path)),
                ("job", .string(scan.header?.job)),
                ("job_mode", .string(scan.header?.mode.rawValue)),
                ("records", .int(outcome?.records ?? 0)),
                ("restored", .int(outcome?.restored ?? 0)),
                ("already_restored", .int(outcome?.alreadyOld ?? 0)),
                ("changed", .int(changed)),
                ("changed_since", .array((outcome?.changedRows ?? []).map {
                    .object([("table", .string($0.table)), ("username", .string($0.username))])
                })),
                ("ok", .bool(changed == 0)),
            ]).rendered())
        } else {
            for row in outcome?.changedRows ?? [] {
                let place = row.table == "user_option" ? "" : " [\(row.table)]"
                console.out("changed since the migration, left alone: \(row.username)\(place)")
            }
            console.out(message)
        }
        return changed > 0 ? .conditionFound : .ok
    }

    // MARK: Helpers

    static let rekeyReminder = "APP_LIC_KEY in APP/config/config.app.php must now be the new key — until then the app cannot read the migrated secrets"

    static func describe(_ mode: MigrationMode) -> String {
        mode == .rekey ? "re-key (every secret → v2 under a new key)" : "migration (legacy → v2)"
    }

    static func targetLabel(_ mode: MigrationMode) -> String {
        mode == .rekey ? "v2 under the new key" : "v2"
    }

    static func sources(_ c: MigrationCounts, mode: MigrationMode) -> String {
        mode == .rekey ? "\(c.legacy) legacy, \(c.v2CurrentKey) v2 under the current key" : "\(c.legacy) legacy"
    }

    static func secrets(_ n: Int) -> String { n == 1 ? "1 secret" : "\(n) secrets" }

    static func shellQuoted(_ path: String) -> String {
        path.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+:@".contains($0) }) ? path
            : "'" + path.replacing("'", with: "'\\''") + "'"
    }

    /// The journal: --journal, or one per database and prefix in the state directory.
    private func journalPath(_ context: Context, db: TeamCalDatabase, create: Bool) throws -> String {
        if let journal { return journal }
        let dir = context.configuration.stateDir
        if create {
            do {
                try SecretFile.makePrivateDirectory(dir)
            } catch {
                throw CLIError(.cannotCreate, "cannot create the state directory \(dir) for the journal: \(error.message) — give --journal FILE or set TCADMIN_STATE_DIR")
            }
        }
        func safe(_ s: String) -> String {
            String(s.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) ? Character($0) : "_" })
        }
        return "\(dir)/migrate-\(safe(db.schema.database))-\(safe(db.schema.prefix)).journal"
    }

    /// A journal belongs to one database and prefix: another one's ids mean other rows.
    private static func checkBelongs(_ scan: JournalScan?, to db: TeamCalDatabase, path: String) throws {
        guard let header = scan?.header else { return }
        if header.database != db.schema.database || header.prefix != db.schema.prefix {
            throw CLIError(.dataError, "the journal \(path) belongs to database \(header.database) (prefix \(header.prefix)), not \(db.schema.database) (prefix \(db.schema.prefix)) — give the right --journal FILE")
        }
    }

    /// Keeps a finished job's journal beside the new one, named by its start time.
    private static func rotate(_ path: String, started: String) throws -> String {
        let stamp = started.filter { $0.isNumber || $0 == "T" || $0 == "Z" }
        let base = path.hasSuffix(".journal") ? String(path.dropLast(".journal".count)) : path
        var target = "\(base).\(stamp.isEmpty ? "old" : stamp).journal"
        var n = 1
        while FileManager.default.fileExists(atPath: target) {
            n += 1
            target = "\(base).\(stamp.isEmpty ? "old" : stamp)-\(n).journal"
        }
        guard rename(path, target) == 0 else {
            throw JournalError.cannotWrite(path: path, reason: "cannot keep it as \(target): \(String(cString: strerror(errno)))")
        }
        return target
    }

    static func readNewKey(_ path: String, current: InstallationKey, console: Console) throws -> InstallationKey {
        let text = try Configuration.readSecretFile(path, what: "new key")
        guard !text.isEmpty else {
            throw CLIError(.configuration, "the new key file \(path) is empty — put the new APP_LIC_KEY value on its first line")
        }
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            console.warning("\(path) is readable by others — chmod 600 it")
        }
        let key = InstallationKey(text)
        if ConstantTime.equals(try current.v2Key(), try key.v2Key()) {
            throw CLIError(.configuration, "the key in \(path) is the current installation key — nothing to re-key; give the new key")
        }
        return key
    }

    static func cliError(_ error: MigrationError, context: Context) -> CLIError {
        switch error {
        case .lockHeld(let connection):
            let who = connection.map { " (connection \($0))" } ?? ""
            return CLIError(.temporaryFailure, "another migration or rollback of this database is running\(who) — wait for it to finish and try again")
        case let .verificationFailed(table, id):
            return CLIError(.software, "a newly encrypted value did not decrypt to the same secret (\(table) id \(id)) — nothing was written for its batch; please report this")
        }
    }

    static func cliError(_ error: JournalError, rollback: Bool) -> CLIError {
        switch error {
        case let .cannotWrite(path, reason):
            return CLIError(.cannotCreate, "cannot write the journal \(path): \(reason) — fix that and run the same command again (nothing was written to the database for the batch in progress)")
        case let .cannotRead(path, reason):
            return CLIError(rollback ? .dataError : .cannotCreate, "cannot read the journal \(path): \(reason) — check --journal and its permissions")
        case .corrupt, .notAJournal:
            return CLIError(.dataError, "\(error) — keep the file for inspection; it was not written by tcadmin or it was damaged")
        }
    }

    static func migrationJSON(mode: MigrationMode, executed: Bool, survey: MigrationSurvey, result: MigrationResult?,
                              journal: String?, reconciliation: Reconciliation?) -> JSON {
        func counts(_ table: String?, _ c: MigrationCounts, migrated: Int, changed: Int) -> JSON {
            var members: [(String, JSON)] = table.map { [("table", .string($0))] } ?? []
            members += [("stored", .int(c.stored)), ("target", .int(c.target)), ("legacy", .int(c.legacy)),
                        ("v2_current_key", .int(c.v2CurrentKey)), ("not_enrolled", .int(c.notEnrolled)),
                        ("undecryptable", .int(c.undecryptable)), ("migrated", .int(migrated)), ("changed", .int(changed))]
            return .object(members)
        }
        var tables: [JSON] = []
        var total = MigrationCounts()
        if let result {
            for t in result.tables {
                tables.append(counts(t.table, t.counts, migrated: t.migrated, changed: t.changed))
                total = total + t.counts
            }
        } else {
            for (table, c) in survey.tables { tables.append(counts(table, c, migrated: 0, changed: 0)) }
            total = survey.total
        }
        let undecryptable = result?.undecryptable ?? survey.total.undecryptable
        let changed = result?.changed ?? 0
        return .object([
            ("mode", .string(mode.rawValue)),
            ("executed", .bool(executed)),
            ("tables", .array(tables)),
            ("totals", counts(nil, total, migrated: result?.migrated ?? 0, changed: changed)),
            ("undecryptable", .array(survey.undecryptable.map {
                .object([("table", .string($0.table)), ("username", .string($0.username)),
                         ("format", .string($0.format.label)), ("reason", .string($0.reason.snakeCase))])
            })),
            ("undecryptable_not_listed", .int(max(survey.total.undecryptable - survey.undecryptable.count, 0))),
            ("changed_during_run", .array((result?.changedRows ?? []).map {
                .object([("table", .string($0.table)), ("username", .string($0.username))])
            })),
            ("journal", .string(journal)),
            ("resumed", reconciliation.map {
                .object([("table", .string($0.table)), ("batch", .int($0.batch)), ("rows", .int($0.rows)),
                         ("applied", .int($0.applied)), ("voided", .int($0.voided))])
            } ?? .null),
            ("seconds", .double(((result?.seconds ?? 0) * 1000).rounded() / 1000)),
            ("ok", .bool(undecryptable == 0 && changed == 0)),
        ])
    }
}
