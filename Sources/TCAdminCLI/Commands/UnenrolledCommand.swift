import TeamCal

/// `tcadmin unenrolled`: the users the app would send to 2FA setup.
struct UnenrolledCommand: Command {
    static let name = "unenrolled"
    static let abstract = "List users not enrolled in 2FA (the app's own rule)"
    static let usage = ["unenrolled [--group G]... [--role R] [--include-locked] [--include-hidden] [--format text|csv|json|names] [--fail-if-any]"]
    static let discussion = """
        Lists exactly the users the app treats as not enrolled: no 'secret' option, or one whose
        value is '' or '0', looked up with the app's case- and accent-insensitive match. Locked
        and hidden users are left out unless asked for; users on hold and users who have not
        verified their registration are listed with a flag. With OIDC on (OIDC_YES in the app's
        .env) only the local admin account uses local 2FA, so only it can be listed.

        --group takes a group name or id and may be repeated (users in any of them; members and
        managers, not guests). --role takes a role name or id. An unknown group or role is an
        error (exit 65).

        Formats:
          text   an aligned table: username, name, email, last login, groups, flags (sorted)
          csv    RFC 4180 (CRLF line ends), header: username,firstname,lastname,email,
                 last_login,groups,locked,hidden,onhold,unverified; groups joined with ';',
                 flags 1 or 0 (sorted)
          json   {"users": [{"username", "firstname", "lastname", "email", "last_login"
                 (null if unset), "groups": [names], "locked", "hidden", "onhold",
                 "unverified" (booleans)}], "count": N, "oidc": bool} (sorted)
          names  one username per line and nothing else, streamed in table order (for cron
                 pipes; memory stays flat however many users there are). A name holding a
                 line break or other control character is left out with a warning.

        Exit: 0, or 1 with --fail-if-any when the list is not empty.
        """
    static let options: [OptionSpec] = [
        .value("group", "G", "only users in group G (name or id); repeat for several", repeatable: true),
        .value("role", "R", "only users with role R (name or id)"),
        .flag("include-locked", "also list locked users"),
        .flag("include-hidden", "also list hidden users"),
        .flag("fail-if-any", "exit 1 when any user is listed"),
    ]
    static let formats: [OutputFormat] = [.text, .csv, .json, .names]
    static let examples = [
        Example("--app-dir /var/www/teamcal unenrolled", "who would be sent to 2FA setup"),
        Example("--app-dir /var/www/teamcal unenrolled --group Sales --format csv > sales.csv", "a spreadsheet for one team"),
        Example("--app-dir /var/www/teamcal unenrolled --format names --fail-if-any | mail -E -s 'not enrolled' it@example.org",
                "a cron job that mails the list when it is not empty"),
    ]

    let groups: [String]
    let role: String?
    let includeLocked: Bool
    let includeHidden: Bool
    let failIfAny: Bool

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(0...0, names: "")
        groups = arguments.all("group")
        role = arguments.value("role")
        includeLocked = arguments.flag("include-locked")
        includeHidden = arguments.flag("include-hidden")
        failIfAny = arguments.flag("fail-if-any")
    }

    func run(_ context: Context) throws -> ExitCode {
        let db = try context.database()
        let console = context.console
        var query = UnenrolledQuery()
        query.groups = groups.isEmpty ? [] : try db.findGroups(groups)
        query.role = try role.map(db.findRole)
        query.includeLocked = includeLocked
        query.includeHidden = includeHidden
        let oidc = context.configuration.installFolder?.oidcEnabled ?? false
        query.onlyLocalAdmin = oidc
        if oidc {
            console.note("OIDC is on: local 2FA applies only to the admin account; other users' 2FA is managed by the identity provider")
        }

        var count = 0
        if context.format == .names {
            var skipped = 0
            try query.forEach(db) { user in
                count += 1
                if Printable.isPlain(user.username) { console.out(user.username) } else { skipped += 1 }
            }
            if skipped > 0 {
                console.warning("\(skipped) username\(skipped == 1 ? "" : "s") with control characters left out of the list (see --format json)")
            }
        } else {
            let users = try query.collect(db)
            count = users.count
            switch context.format {
            case .csv: csv(users, console)
            case .json: console.outRaw(json(users, oidc: oidc).rendered())
            default: text(users, console)
            }
        }
        return failIfAny && count > 0 ? .conditionFound : .ok
    }

    private func flags(_ u: UnenrolledUser) -> [String] {
        var f: [String] = []
        if u.locked { f.append("locked") }
        if u.hidden { f.append("hidden") }
        if u.onHold { f.append("on hold") }
        if u.unverified { f.append("unverified") }
        return f
    }

    private func text(_ users: [UnenrolledUser], _ console: Console) {
        guard !users.isEmpty else {
            console.out("no unenrolled users")
            return
        }
        let header = ["USERNAME", "NAME", "EMAIL", "LAST LOGIN", "GROUPS", "FLAGS"]
        let rows = users.map { u in
            [u.username, u.fullName, u.email, u.lastLogin ?? "", u.groups.joined(separator: ", "), flags(u).joined(separator: ", ")]
                .map { Printable.quoted($0, limit: 60) }
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                out += i == cells.count - 1 ? cell : Help.pad(cell, widths[i] + 2)
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        console.out(line(header))
        for row in rows { console.out(line(row)) }
        console.note("\(users.count) user\(users.count == 1 ? "" : "s") not enrolled")
    }

    private func csv(_ users: [UnenrolledUser], _ console: Console) {
        func field(_ s: String) -> String {
            guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else { return s }
            return "\"" + s.replacing("\"", with: "\"\"") + "\""
        }
        console.outRaw("username,firstname,lastname,email,last_login,groups,locked,hidden,onhold,unverified\r\n")
        for u in users {
            let cells = [u.username, u.firstname, u.lastname, u.email, u.lastLogin ?? "", u.groups.joined(separator: ";"),
                         u.locked ? "1" : "0", u.hidden ? "1" : "0", u.onHold ? "1" : "0", u.unverified ? "1" : "0"]
            console.outRaw(cells.map(field).joined(separator: ",") + "\r\n")
        }
    }

    private func json(_ users: [UnenrolledUser], oidc: Bool) -> JSON {
        .object([
            ("users", .array(users.map { u in
                .object([
                    ("username", .string(u.username)),
                    ("firstname", .string(u.firstname)),
                    ("lastname", .string(u.lastname)),
                    ("email", .string(u.email)),
                    ("last_login", .string(u.lastLogin)),
                    ("groups", .array(u.groups.map { .string($0) })),
                    ("locked", .bool(u.locked)),
                    ("hidden", .bool(u.hidden)),
                    ("onhold", .bool(u.onHold)),
                    ("unverified", .bool(u.unverified)),
                ])
            })),
            ("count", .int(users.count)),
            ("oidc", .bool(oidc)),
        ])
    }
}
