import Glibc
import TeamCal

/// `tcadmin force-2fa on|off|status`: the app's `forceTfa` switch, written as its settings
/// page writes it, made visible to the running app at once by clearing its settings cache.
struct ForceTfaCommand: Command {
    static let name = "force-2fa"
    static let abstract = "Force 2FA on or off for all users, effective in the running app at once"
    static let usage = ["force-2fa on|off|status [--enable-feature] [--dry-run] [--yes] [--format text|json]"]
    static let discussion = """
        on: users without a 2FA secret are sent to the app's 2FA setup page at their next login.
        Before turning it on, tcadmin says how many active users are not enrolled yet and asks
        for confirmation (on a terminal; --yes for scripts). The app's setup page loads its QR
        code from an online service (qr-service in the config file or TCADMIN_QR_SERVICE,
        default api.qrserver.com:443): when users are not enrolled, tcadmin checks that this
        host can reach it (the name resolves and a TCP connection opens within 3 s). If not,
        it warns that those users will meet a setup page that fails and cannot log in, and
        names the way out: enroll them here first with 'tcadmin enroll USER'.
        If the app's 2FA feature is disabled (disableTfa = 1), forcing it would send users into
        a redirect loop: tcadmin refuses unless --enable-feature switches the feature on too.
        Missing settings rows are created. Each change is recorded in the app's log (when its
        logConfig switch is on) and in syslog.

        The app caches its settings for an hour in APP/cache. With --app-dir, tcadmin deletes
        the cache files (APP/cache/*.cache, as the app does after its own writes) so the change
        applies now; without it, it warns that the change may take up to an hour.

        status prints both switches and how many active users are not enrolled.

        JSON (on/off): {"action", "dry_run", "changed", "settings": {"forceTfa": {"before",
        "after"}, "disableTfa": {"before", "after"}}, "unenrolled_active_users" (null for off),
        "oidc", "app_cache": {"dir", "removed"} or null}. Values are the stored strings, null
        for a missing row.
        JSON (status): {"forceTfa": {"value", "on"}, "disableTfa": {"value", "on"},
        "unenrolled_active_users", "oidc"}.

        Exit: 0 done (or nothing to change), 1 not confirmed, 73 or 77 (no permission) the app's
        cache could not be cleared (the setting is written), 78 refused: the feature is disabled.
        """
    static let arguments = [ArgumentSpec("on|off|status", "turn forced 2FA on or off, or show the switches",
                                         completion: .choices(["on", "off", "status"]))]
    static let options: [OptionSpec] = [
        .flag("enable-feature", "with on: also switch the 2FA feature on (disableTfa = 0) when it is off"),
        .flag("dry-run", "show what would change; change nothing"),
    ]
    static let examples = [
        Example("--app-dir /var/www/teamcal force-2fa on", "force 2FA now; asks first, showing who is not enrolled"),
        Example("--app-dir /var/www/teamcal force-2fa on --dry-run", "what would change, and who would be sent to setup"),
        Example("--app-dir /var/www/teamcal force-2fa off --yes", "stop forcing 2FA, from a script"),
    ]

    enum Action: String { case on, off, status }

    let action: Action
    let enableFeature: Bool
    let dryRun: Bool

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(1...1, names: "on, off or status")
        guard let action = Action(rawValue: arguments.positionals[0]) else {
            throw CLIError.usage("'\(arguments.positionals[0].prefix(20))' is not on, off or status", command: Self.name)
        }
        self.action = action
        enableFeature = arguments.flag("enable-feature")
        dryRun = arguments.flag("dry-run")
        if enableFeature && action != .on {
            throw CLIError.usage("--enable-feature goes with 'on'", command: Self.name)
        }
        if dryRun && action == .status {
            throw CLIError.usage("status changes nothing: --dry-run is not needed", command: Self.name)
        }
    }

    func run(_ context: Context) throws -> ExitCode {
        let db = try context.database()
        let current = try TwoFactorSettings(db)
        let oidc = context.configuration.installFolder?.oidcEnabled ?? false
        var query = UnenrolledQuery()
        query.onlyLocalAdmin = oidc
        if action == .status {
            return try status(context, current, unenrolled: try query.count(db), oidc: oidc)
        }
        let plan: ForceTfaPlan
        do {
            plan = try ForceTfaPlan.make(current, forceOn: action == .on, enableFeature: enableFeature)
        } catch {
            throw CLIError(.configuration, "the app's 2FA feature is disabled (disableTfa = '\(Printable.quoted(current.disableTfa ?? ""))'): forcing 2FA would send users into a redirect loop — add --enable-feature to switch the feature on as well")
        }
        let console = context.console
        let unenrolled: Int? = action == .on ? try query.count(db) : nil
        var report = Report(action: action, dryRun: dryRun, plan: plan, current: current, unenrolled: unenrolled, oidc: oidc)

        if plan.changesNothing {
            if context.format == .text { console.out("forceTfa is already \(action.rawValue) — nothing to change") }
            // A value written earlier without --app-dir may still be hidden by the cache.
            var failure: CLIError?
            if !dryRun, let folder = context.configuration.installFolder {
                (report.cache, failure) = clearCache(folder, context, afterWrite: false)
            }
            if context.format == .json { console.outRaw(report.json().rendered()) }
            if let failure { throw failure }
            return .ok
        }
        // Why the app's setup page cannot load its QR code from here, when it cannot.
        var setupPageProblem: String?
        if let unenrolled {
            if unenrolled > 0 { setupPageProblem = try qrServiceProblem(context) }
            guardMessage(unenrolled, oidc: oidc, setupPageProblem: setupPageProblem, context)
        }
        if dryRun {
            if context.format == .text {
                for write in plan.writes { console.out("would set \(write.name) to '\(write.to)' (\(write.from.map { "now '\(Printable.quoted($0))'" } ?? "no row yet: would create it"))") }
                if let folder = context.configuration.installFolder {
                    let files = (try? AppCache.files(in: folder.cacheDirectory)) ?? nil
                    console.out("would delete \(files?.count ?? 0) app cache file\(files?.count == 1 ? "" : "s") in \(folder.cacheDirectory)")
                }
                console.note("dry run: nothing changed")
            } else {
                console.outRaw(report.json().rendered())
            }
            return .ok
        }
        if action == .on {
            let count = unenrolled ?? 0
            let question = count == 0 ? "Force 2FA for all users?"
                : setupPageProblem == nil ? "Force 2FA for all users? \(count) will be sent to 2FA setup at their next login."
                : "Force 2FA for all users anyway? \(count) will be sent to a 2FA setup page that cannot show its QR code."
            guard try context.confirm(question) else {
                console.err("nothing changed")
                return .conditionFound
            }
        }
        let audit = context.auditLog(db)
        for write in plan.writes {
            try db.writeSetting(write.name, write.to)
            try audit.record(.config, "Config updated: \(write.name) \(write.from.map { "'\($0)'" } ?? "(no row)") -> '\(write.to)' (tcadmin force-2fa \(action.rawValue))")
            if context.format == .text { console.out("\(write.name): '\(write.to)' (\(describe(write.from)))") }
        }
        if context.format == .text { console.out("forceTfa is now \(action.rawValue)") }
        var failure: CLIError?
        if let folder = context.configuration.installFolder {
            (report.cache, failure) = clearCache(folder, context, afterWrite: true)
        } else {
            console.warning("the app caches settings for up to an hour: give --app-dir so tcadmin can clear APP/cache, or delete APP/cache/*.cache yourself")
        }
        if context.format == .json { console.outRaw(report.json().rendered()) }
        if let failure { throw failure }
        return .ok
    }

    private func describe(_ before: String?) -> String {
        before.map { "was '\(Printable.quoted($0))'" } ?? "row created"
    }

    /// Checks that this host reaches the QR service the app's setup page needs; nil when it
    /// does, else what fails ("api.qrserver.com:443 (cannot resolve ...)").
    private func qrServiceProblem(_ context: Context) throws -> String? {
        let text = context.configuration.qrService
        let probe: ServiceProbe
        do { probe = try ServiceProbe(parsing: text) } catch {
            throw CLIError(.configuration, "qr-service '\(Printable.quoted(text))': \(error.problem) — give HOST:PORT (qr-service in the config file, or TCADMIN_QR_SERVICE)")
        }
        context.console.detail("checking that this host reaches the QR service \(probe.description)")
        switch probe.run(timeout: 3) {
        case .reachable: return nil
        case .unreachable(let reason): return "\(probe.description) (\(reason))"
        }
    }

    private func guardMessage(_ count: Int, oidc: Bool, setupPageProblem: String?, _ context: Context) {
        let console = context.console
        if oidc {
            console.note("OIDC is on: local 2FA applies only to the admin account; other users' 2FA is managed by the identity provider")
        }
        if count == 0 {
            console.note(oidc ? "the admin account is enrolled" : "every active user is enrolled: nobody will be sent to 2FA setup")
            return
        }
        let who = oidc ? "the admin account is not enrolled and will be" : "\(count) active user\(count == 1 ? " is" : "s are") not enrolled and will be"
        console.warning("\(who) sent to 2FA setup at the next login (list: tcadmin unenrolled)")
        if let problem = setupPageProblem {
            let them = oidc ? "the admin account" : count == 1 ? "that user" : "those users"
            console.warning("this host cannot reach \(problem), where the app's setup page loads its QR code: the page will fail with an error and \(them) cannot log in — enroll \(oidc ? "it" : "them") here first with 'tcadmin enroll USER' (a QR code on this terminal, or --png FILE)")
        } else {
            console.note("the app's setup page loads its QR code from an online service; on a server without internet access, enroll users first")
        }
    }

    /// Deletes the app's cache files so it reads the new settings now. A failure is
    /// returned, to be thrown once the result is reported.
    private func clearCache(_ folder: InstallFolder, _ context: Context, afterWrite: Bool) -> (CacheReport, CLIError?) {
        let result = AppCache.clear(folder.cacheDirectory)
        let report = CacheReport(dir: folder.cacheDirectory, removed: result.removed.count)
        let console = context.console
        if result.folderMissing {
            console.note("no cache folder at \(folder.cacheDirectory): nothing cached to clear")
        } else if let first = result.failed.first {
            let code: ExitCode = result.failed.contains { $0.permissionDenied } ? .accessDenied : .cannotCreate
            let n = result.failed.count
            let what = first.path == folder.cacheDirectory
                ? "the app's cache folder \(first.path) cannot be cleared (\(first.reason))"
                : "\(n) app cache file\(n == 1 ? "" : "s") could not be deleted (\(first.path): \(first.reason))"
            return (report, CLIError(code, "\(afterWrite ? "the setting is written, but " : "")\(what): the app may use the old setting for up to an hour — delete \(folder.cacheDirectory)/*.cache as the web server's user"))
        } else if afterWrite || !result.removed.isEmpty {
            let n = result.removed.count
            console.note("cleared \(n) app cache file\(n == 1 ? "" : "s") in \(folder.cacheDirectory): the app uses the new setting now")
        }
        return (report, nil)
    }

    private func status(_ context: Context, _ current: TwoFactorSettings, unenrolled: Int, oidc: Bool) throws -> ExitCode {
        let console = context.console
        func value(_ v: String?, on: Bool) -> JSON { .object([("value", .string(v)), ("on", .bool(on))]) }
        if context.format == .json {
            console.outRaw(JSON.object([
                ("forceTfa", value(current.forceTfa, on: current.isForced)),
                ("disableTfa", value(current.disableTfa, on: current.isFeatureDisabled)),
                ("unenrolled_active_users", .int(unenrolled)),
                ("oidc", .bool(oidc)),
            ]).rendered())
            return .ok
        }
        func row(_ v: String?, _ on: Bool) -> String { (on ? "on" : "off") + (v == nil ? " (no row)" : "") }
        console.out("forceTfa    \(row(current.forceTfa, current.isForced))")
        console.out("disableTfa  \(row(current.disableTfa, current.isFeatureDisabled))\(current.isFeatureDisabled ? " — the 2FA feature is off" : "")")
        let who = oidc ? "admin account (OIDC: local 2FA applies only to admin)" : "active user\(unenrolled == 1 ? "" : "s")"
        console.out("unenrolled  \(unenrolled) \(who)")
        return .ok
    }

    struct CacheReport {
        let dir: String
        let removed: Int
    }

    struct Report {
        let action: Action
        let dryRun: Bool
        let plan: ForceTfaPlan
        let current: TwoFactorSettings
        let unenrolled: Int?
        let oidc: Bool
        var cache: CacheReport?

        func json() -> JSON {
            func setting(_ name: String, _ before: String?) -> JSON {
                let after = plan.writes.last { $0.name == name }?.to ?? before
                return .object([("before", .string(before)), ("after", .string(after))])
            }
            return .object([
                ("action", .string(action.rawValue)),
                ("dry_run", .bool(dryRun)),
                ("changed", .bool(!dryRun && !plan.changesNothing)),
                ("settings", .object([("forceTfa", setting("forceTfa", current.forceTfa)),
                                      ("disableTfa", setting("disableTfa", current.disableTfa))])),
                ("unenrolled_active_users", unenrolled.map { .int($0) } ?? .null),
                ("oidc", .bool(oidc)),
                ("app_cache", cache.map { .object([("dir", .string($0.dir)), ("removed", .int($0.removed))]) } ?? .null),
            ])
        }
    }
}
