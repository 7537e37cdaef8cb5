import Glibc
import TCClock
import TeamCal

/// `tcadmin ntp-check`: is this server's clock good enough for TOTP?
/// Reports the kernel's own sync state, SNTP offsets against servers (queried in
/// parallel under one timeout), and with --db the database server's clock.
/// Never starts, stops or adjusts a time daemon or the clock.
struct NTPCheckCommand: Command {
    static let name = "ntp-check"
    static let abstract = "Check that this server's clock is synchronized well enough for TOTP"
    static let usage = ["ntp-check [--server HOST[:PORT]]... [--warn S] [--crit S] [--timeout S] [--db] [--format text|json|nagios]"]
    static let discussion = """
        Measures this machine's clock offset with SNTP against the given servers (or the
        servers of the local chrony, ntpd or systemd-timesyncd configuration), all queried
        in parallel within --timeout. Replies that announce an unsynchronized server (leap
        indicator 3, stratum 0 or 16) or do not echo our request are rejected. The offset
        is the median of the good servers. The kernel's own state (adjtimex: STA_UNSYNC,
        maxerror; synchronized when maxerror < 16 s, as systemd decides) is reported too,
        and with --db the database server's clock against ours. Nothing is ever adjusted.

        The app accepts the code of the current 30-second step and one step either side,
        so offsets beyond about 15 s already reject slowly typed codes, beyond 30 s many,
        beyond 60 s all.

        Exit 0 OK, 1 warning (offset > --warn), 2 critical (offset > --crit), 3 unknown
        (nothing could be measured). nagios format follows the monitoring-plugins
        conventions: "NTP OK: offset 0.012 s ...|offset=0.012000s;5.000000;15.000000;".

        JSON (stable): {"verdict", "offset", "warn", "crit", "servers": [{"server",
        "address", "ok", "offset", "delay", "stratum", "leap", "reference_id", "error"}],
        "kernel": {"synchronized", "unsync_flag", "maxerror", "esterror", "status"} | null,
        "database": {"offset", "uncertainty"} | null, "totp_impact", "sources"}.
        Offsets are in seconds, positive when this machine's clock is behind.
        """
    static let options: [OptionSpec] = [
        .value("server", "HOST[:PORT]", "NTP server to measure against (repeatable; default: from the local time daemon's configuration)",
               repeatable: true, completion: .host),
        .value("warn", "S", "warning threshold for |offset| in seconds", default: "5"),
        .value("crit", "S", "critical threshold for |offset| in seconds", default: "15"),
        .value("timeout", "S", "overall time limit for all servers, in seconds", default: "5"),
        .flag("db", "also measure the database server's clock against ours"),
    ]
    static let formats: [OutputFormat] = [.text, .json, .nagios]
    static let usesDatabase = false
    static let examples = [
        Example("ntp-check", "measure against the servers chrony/ntpd/timesyncd use here"),
        Example("ntp-check --server 0.debian.pool.ntp.org --server ntp.example.org:123", "measure against named servers"),
        Example("ntp-check --format nagios --warn 5 --crit 15", "a Nagios/Icinga check (exit 0/1/2/3)"),
        Example("--app-dir /var/www/teamcal ntp-check --db", "also compare the database server's clock"),
    ]

    let servers: [NTPServerSpec]
    let thresholds: ClockThresholds
    let timeout: Double
    let checkDatabase: Bool

    init(_ arguments: ParsedArguments) throws {
        try arguments.expectPositionals(0...0, names: "")
        var specs: [NTPServerSpec] = []
        for text in arguments.all("server") {
            do { specs.append(try NTPServerSpec(parsing: text)) } catch {
                throw CLIError.usage(error.description, command: Self.name)
            }
        }
        servers = specs
        let warn = try arguments.double("warn", default: ClockThresholds.defaultWarning, range: 0...86400)
        let crit = try arguments.double("crit", default: ClockThresholds.defaultCritical, range: 0...86400)
        guard let t = ClockThresholds(warning: warn, critical: crit) else {
            throw CLIError.usage("--warn must not be above --crit", command: Self.name)
        }
        thresholds = t
        timeout = try arguments.double("timeout", default: 5, range: 0.1...120)
        checkDatabase = arguments.flag("db")
    }

    struct Measurements {
        var sources: [String] = []
        var report = SNTPReport(results: [])
        var kernel: KernelClockReading
        var database: RemoteClockSkew?
        var databaseError: String?
    }

    func run(_ context: Context) throws -> ExitCode {
        var m = Measurements(kernel: KernelClockReading.read())
        var targets = servers
        if targets.isEmpty {
            let configured = TimeDaemonConfiguration.defaultServers()
            targets = configured.servers.map(\.server)
            m.sources = configured.filesRead
            for problem in configured.problems { context.console.detail(problem) }
            if targets.isEmpty { context.console.note("no --server given and no servers in a local chrony, ntpd or timesyncd configuration") }
        } else {
            m.sources = ["command line"]
        }
        if !targets.isEmpty {
            m.report = SNTPClient.query(targets, timeout: .milliseconds(Int64(timeout * 1000)))
        }
        if checkDatabase {
            do {
                m.database = try measureDatabase(context)
            } catch {
                let failure = CLIError.from(error, connection: context.configuration.connection)
                if context.format != .nagios { throw failure }
                m.databaseError = failure.message
            }
        }

        let offset = m.report.combinedOffset
        var verdict = thresholds.verdict(forOffset: offset)
        if let db = m.database {
            // Two clocks that disagree are a problem whatever the reference says; two that
            // agree prove nothing without a reference, so the verdict stays unknown then.
            let dbVerdict = thresholds.verdict(forOffset: db.offset)
            if dbVerdict == .warning || dbVerdict == .critical, offset == nil || dbVerdict.exitCode > verdict.exitCode {
                verdict = dbVerdict
            }
        }
        if m.databaseError != nil { verdict = .unknown }

        switch context.format {
        case .json: context.console.outRaw(json(m, verdict: verdict).rendered())
        case .nagios: context.console.out(nagios(m, verdict: verdict))
        default: text(m, verdict: verdict, console: context.console)
        }
        return ExitCode(rawValue: verdict.exitCode)
    }

    /// The database server's clock against ours: midpoint of the round trip.
    private func measureDatabase(_ context: Context) throws -> RemoteClockSkew? {
        let db = try context.database()
        try db.connection.execute("SET time_zone = '+00:00'")
        let before = RemoteClockSkew.localClock()
        let remote = try db.connection.scalar("SELECT UNIX_TIMESTAMP(NOW(6))").flatMap(Double.init)
        let after = RemoteClockSkew.localClock()
        guard let remote else { return nil }
        return RemoteClockSkew(localBefore: before, remote: remote, localAfter: after)
    }

    static func seconds(_ value: Double) -> String {
        // No "-0.000": a value that rounds to zero is shown unsigned.
        value.magnitude < 0.0005 ? "0.000 s" : cFormat("%+.3f s", value)
    }

    private func text(_ m: Measurements, verdict: ClockVerdict, console: Console) {
        let offset = m.report.combinedOffset
        let good = m.report.measurements.count
        var head = "NTP \(verdict.label): "
        if let offset {
            head += "offset \(Self.seconds(offset)) (median of \(good) of \(m.report.results.count) servers)"
        } else if let db = m.database {
            head += "no NTP server measured; the database's clock is \(Self.seconds(db.offset)) from ours"
        } else {
            head += "offset unknown — no NTP server answered"
        }
        console.out(head)
        for result in m.report.results {
            let name = result.server.description + (result.address.map { $0 == result.server.host ? "" : " (\($0))" } ?? "")
            if let s = result.measurement {
                console.out("  server \(name): offset \(Self.seconds(s.offset)), delay \(cFormat("%.3f", s.delay)) s, stratum \(s.stratum), ref \(s.referenceID)")
            } else if let error = result.error {
                console.out("  server \(name): \(error.description)")
            }
        }
        switch m.kernel {
        case .known(let k):
            let sync = k.synchronized ? "synchronized" : "NOT synchronized"
            console.out("  kernel: \(sync) (maxerror \(cFormat("%.3f", k.maxError)) s, esterror \(cFormat("%.3f", k.estimatedError)) s, STA_UNSYNC \(k.unsynchronizedFlag ? "set" : "clear"))")
        case .unknown(let reason):
            console.out("  kernel: state unknown (\(reason))")
        }
        if let db = m.database {
            console.out("  database: clock \(Self.seconds(db.offset)) from ours (± \(cFormat("%.3f", db.uncertainty)) s)")
        }
        if let error = m.databaseError { console.out("  database: \(error)") }
        if !m.sources.isEmpty { console.detail("servers from: \(m.sources.joined(separator: ", "))") }
        console.out("  TOTP: " + TOTPClockImpact.explanation(forOffset: offset ?? m.database?.offset))
    }

    private func nagios(_ m: Measurements, verdict: ClockVerdict) -> String {
        let offset = m.report.combinedOffset ?? m.database?.offset
        var message = "NTP \(verdict.label): "
        if let offset {
            // As in the text: no "-0.000" for an offset that rounds to zero.
            message += "offset \(cFormat("%.3f", offset.magnitude < 0.0005 ? 0 : offset)) s"
            message += ", \(m.report.measurements.count) of \(m.report.results.count) servers"
        } else if let error = m.databaseError {
            message += "database: \(error)"
        } else {
            message += m.report.results.isEmpty ? "no NTP server configured or given" : "no NTP server answered"
        }
        if case .known(let k) = m.kernel { message += k.synchronized ? ", kernel synchronized" : ", kernel NOT synchronized" }
        var perf: [String] = []
        if let offset {
            perf.append(cFormat("offset=%.6fs;%.6f;%.6f;", offset, thresholds.warning, thresholds.critical))
        }
        if let delay = m.report.measurements.map(\.delay).min() { perf.append(cFormat("delay=%.6fs;;;0;", delay)) }
        if case .known(let k) = m.kernel { perf.append(cFormat("maxerror=%.6fs;;;0;", k.maxError)) }
        if let db = m.database { perf.append(cFormat("db_offset=%.6fs;%.6f;%.6f;", db.offset, thresholds.warning, thresholds.critical)) }
        return perf.isEmpty ? message : message + "|" + perf.joined(separator: " ")
    }

    private func json(_ m: Measurements, verdict: ClockVerdict) -> JSON {
        let servers: [JSON] = m.report.results.map { result in
            let s = result.measurement
            return .object([
                ("server", .string(result.server.description)),
                ("address", .string(result.address)),
                ("ok", .bool(s != nil)),
                ("offset", s.map { .double($0.offset) } ?? .null),
                ("delay", s.map { .double($0.delay) } ?? .null),
                ("stratum", s.map { .int(Int($0.stratum)) } ?? .null),
                ("leap", s.map { .int(Int($0.leap.rawValue)) } ?? .null),
                ("reference_id", .string(s?.referenceID)),
                ("error", .string(result.error?.description)),
            ])
        }
        var kernel = JSON.null
        if case .known(let k) = m.kernel {
            kernel = .object([
                ("synchronized", .bool(k.synchronized)), ("unsync_flag", .bool(k.unsynchronizedFlag)),
                ("maxerror", .double(k.maxError)), ("esterror", .double(k.estimatedError)), ("status", .string(k.status.description)),
            ])
        }
        let offset = m.report.combinedOffset
        return .object([
            ("verdict", .string(verdict.rawValue)),
            ("offset", offset.map { .double($0) } ?? .null),
            ("warn", .double(thresholds.warning)),
            ("crit", .double(thresholds.critical)),
            ("servers", .array(servers)),
            ("kernel", kernel),
            ("database", m.database.map { .object([("offset", .double($0.offset)), ("uncertainty", .double($0.uncertainty))]) } ?? .null),
            ("totp_impact", .string(TOTPClockImpact.explanation(forOffset: offset ?? m.database?.offset))),
            ("sources", .array(m.sources.map { .string($0) })),
        ])
    }
}
