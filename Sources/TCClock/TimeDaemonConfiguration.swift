import Glibc

/// A local time daemon whose configuration names NTP servers.
public enum TimeDaemon: String, Sendable, Hashable {
    case chrony, ntpd, timesyncd
}

/// One server named in a local time daemon's configuration.
public struct ConfiguredServer: Sendable, Hashable, CustomStringConvertible {
    /// The directive or setting that named it.
    public enum Kind: String, Sendable, Hashable {
        case server, pool, peer
        /// timesyncd `NTP=`.
        case ntp = "NTP"
        /// timesyncd `FallbackNTP=` (used by timesyncd only when no `NTP=` server is known).
        case fallback = "FallbackNTP"
    }

    public let server: NTPServerSpec
    public let kind: Kind
    public let daemon: TimeDaemon
    /// Path of the file the server is named in.
    public let file: String
    /// 1-based line number in `file`.
    public let line: Int

    public init(server: NTPServerSpec, kind: Kind, daemon: TimeDaemon, file: String, line: Int) {
        self.server = server
        self.kind = kind
        self.daemon = daemon
        self.file = file
        self.line = line
    }

    /// E.g. `2.debian.pool.ntp.org (chrony pool, /etc/chrony/chrony.conf:3)`.
    public var description: String {
        "\(server) (\(daemon.rawValue) \(kind.rawValue), \(file):\(line))"
    }
}

/// Servers found in configuration files, with what was read and what could not be.
public struct ConfiguredServers: Sendable, Hashable {
    public var servers: [ConfiguredServer] = []
    /// Every file read, in order.
    public var filesRead: [String] = []
    /// Files that exist but could not be read, each as "PATH: reason".
    public var problems: [String] = []

    public init(servers: [ConfiguredServer] = [], filesRead: [String] = [], problems: [String] = []) {
        self.servers = servers
        self.filesRead = filesRead
        self.problems = problems
    }

    mutating func append(_ other: ConfiguredServers) {
        servers += other.servers
        filesRead += other.filesRead
        problems += other.problems
    }
}

/// Reads the NTP servers that chrony, ntpd (classic or NTPsec) and
/// systemd-timesyncd are configured to use. The `parse…` functions are pure
/// (contents in, servers out); the others read the files at the paths given,
/// skipping missing ones silently and reporting unreadable ones.
public enum TimeDaemonConfiguration {
    public static let chronyFiles = ["/etc/chrony/chrony.conf", "/etc/chrony.conf"]
    public static let ntpdFiles = ["/etc/ntpsec/ntp.conf", "/etc/ntp.conf"]
    public static let timesyncdFile = "/etc/systemd/timesyncd.conf"
    /// systemd's drop-in search path for timesyncd.conf, highest priority first.
    public static let timesyncdDropInDirectories = [
        "/etc/systemd/timesyncd.conf.d", "/run/systemd/timesyncd.conf.d",
        "/usr/local/lib/systemd/timesyncd.conf.d", "/usr/lib/systemd/timesyncd.conf.d",
    ]

    /// The servers to ask when none is given: chrony's, then ntpd's, then
    /// timesyncd's (its `FallbackNTP=` servers only when it has no `NTP=` one,
    /// as timesyncd itself does), each server once, first mention kept.
    public static func defaultServers(
        chronyFiles: [String] = chronyFiles, ntpdFiles: [String] = ntpdFiles,
        timesyncdFile: String = timesyncdFile, timesyncdDropInDirectories: [String] = timesyncdDropInDirectories
    ) -> ConfiguredServers {
        var found = chronyServers(configFiles: chronyFiles)
        found.append(ntpdServers(configFiles: ntpdFiles))
        var timesyncd = timesyncdServers(mainFile: timesyncdFile, dropInDirectories: timesyncdDropInDirectories)
        if timesyncd.servers.contains(where: { $0.kind == .ntp }) {
            timesyncd.servers.removeAll { $0.kind == .fallback }
        }
        found.append(timesyncd)
        var seen = Set<NTPServerSpec>()
        found.servers = found.servers.filter { seen.insert($0.server).inserted }
        return found
    }

    // MARK: chrony

    /// What a chrony configuration file says that matters here.
    public struct ChronyFile: Sendable, Hashable {
        /// `server`, `pool` and `peer` lines.
        public var servers: [ConfiguredServer] = []
        /// `include` glob patterns, in order.
        public var includes: [String] = []
        /// `confdir` directories (each directive's list in order).
        public var configDirectories: [[String]] = []
        /// `sourcedir` directories.
        public var sourceDirectories: [[String]] = []
    }

    /// Parses chrony.conf syntax: directives are case-insensitive, a line whose
    /// first non-blank character is `!`, `;`, `#` or `%` is a comment, and a
    /// source's `port N` option sets its port.
    public static func parseChrony(_ contents: String, file: String) -> ChronyFile {
        var parsed = ChronyFile()
        for (number, line) in lines(of: contents) {
            let fields = words(of: line)
            guard let directive = fields.first?.lowercased(), !"!;#%".contains(directive.first!) else { continue }
            let arguments = Array(fields.dropFirst())
            switch directive {
            case "server", "pool", "peer":
                guard let host = arguments.first else { continue }
                var port = NTPServerSpec.defaultPort
                if let index = arguments.firstIndex(where: { $0.lowercased() == "port" }),
                   index + 1 < arguments.count, let value = UInt16(arguments[index + 1]), value > 0 {
                    port = value
                }
                parsed.servers.append(ConfiguredServer(
                    server: NTPServerSpec(host: host, port: port), kind: ConfiguredServer.Kind(rawValue: directive)!,
                    daemon: .chrony, file: file, line: number))
            case "include":
                parsed.includes += arguments.prefix(1)
            case "confdir":
                if !arguments.isEmpty { parsed.configDirectories.append(arguments) }
            case "sourcedir":
                if !arguments.isEmpty { parsed.sourceDirectories.append(arguments) }
            default:
                continue
            }
        }
        return parsed
    }

    /// The servers in the first of `configFiles` that exists (chronyd reads
    /// one), following `include`, `confdir` (`*.conf`) and `sourcedir`
    /// (`*.sources`) as chronyd does.
    public static func chronyServers(configFiles: [String] = chronyFiles) -> ConfiguredServers {
        var found = ConfiguredServers()
        var visited = Set<String>()
        func read(_ path: String, sourcesOnly: Bool, depth: Int) {
            guard depth < maximumIncludeDepth, visited.insert(path).inserted,
                  let contents = readFile(path, into: &found) else { return }
            let parsed = parseChrony(contents, file: path)
            found.servers += parsed.servers
            guard !sourcesOnly else { return }
            for pattern in parsed.includes {
                for included in glob(pattern) { read(included, sourcesOnly: false, depth: depth + 1) }
            }
            for directories in parsed.configDirectories {
                for file in filesInDirectories(directories, suffix: ".conf") { read(file, sourcesOnly: false, depth: depth + 1) }
            }
            for directories in parsed.sourceDirectories {
                for file in filesInDirectories(directories, suffix: ".sources") { read(file, sourcesOnly: true, depth: depth + 1) }
            }
        }
        if let main = firstExisting(configFiles) { read(main, sourcesOnly: false, depth: 0) }
        return found
    }

    // MARK: ntpd

    /// What an ntp.conf file says that matters here.
    public struct NtpdFile: Sendable, Hashable {
        /// `server`, `pool` and `peer` lines; reference clocks (127.127.t.u) are left out.
        public var servers: [ConfiguredServer] = []
        /// `includefile` paths (NTPsec: a directory means its `*.conf` files).
        public var includes: [String] = []
    }

    /// Parses ntp.conf syntax (classic ntpd and NTPsec): `#` starts a comment
    /// anywhere, `-4`/`-6` before the address are skipped.
    public static func parseNtpd(_ contents: String, file: String) -> NtpdFile {
        var parsed = NtpdFile()
        for (number, rawLine) in lines(of: contents) {
            let fields = words(of: rawLine.prefix { $0 != "#" })
            guard let directive = fields.first?.lowercased() else { continue }
            let arguments = fields.dropFirst().drop { $0 == "-4" || $0 == "-6" }
            switch directive {
            case "server", "pool", "peer":
                guard let host = arguments.first, !host.hasPrefix("127.127.") else { continue }
                parsed.servers.append(ConfiguredServer(
                    server: NTPServerSpec(host: host), kind: ConfiguredServer.Kind(rawValue: directive)!,
                    daemon: .ntpd, file: file, line: number))
            case "includefile":
                parsed.includes += arguments.prefix(1)
            default:
                continue
            }
        }
        return parsed
    }

    /// The servers in the first of `configFiles` that exists, following `includefile`.
    public static func ntpdServers(configFiles: [String] = ntpdFiles) -> ConfiguredServers {
        var found = ConfiguredServers()
        var visited = Set<String>()
        func read(_ path: String, depth: Int) {
            guard depth < maximumIncludeDepth, visited.insert(path).inserted else { return }
            if isDirectory(path) {
                for file in filesInDirectories([path], suffix: ".conf") { read(file, depth: depth + 1) }
                return
            }
            guard let contents = readFile(path, into: &found) else { return }
            let parsed = parseNtpd(contents, file: path)
            found.servers += parsed.servers
            for include in parsed.includes { read(include, depth: depth + 1) }
        }
        if let main = firstExisting(configFiles) { read(main, depth: 0) }
        return found
    }

    // MARK: systemd-timesyncd

    /// Applies one timesyncd.conf (or drop-in) file to `servers`, as systemd
    /// does: in section `[Time]`, each `NTP=` or `FallbackNTP=` adds its
    /// space-separated servers to that list, and an empty assignment clears the
    /// list. `#` and `;` start comment lines.
    public static func parseTimesyncd(_ contents: String, file: String, into servers: inout [ConfiguredServer]) {
        var section = ""
        for (number, rawLine) in lines(of: contents) {
            let line = rawLine.trimmingWhitespace()
            guard let first = line.first, first != "#", first != ";" else { continue }
            if first == "[" {
                section = line.hasSuffix("]") ? String(line.dropFirst().dropLast()) : ""
                continue
            }
            guard section == "Time", let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingWhitespace()
            let kind: ConfiguredServer.Kind
            switch key {
            case "NTP": kind = .ntp
            case "FallbackNTP": kind = .fallback
            default: continue
            }
            let names = line[line.index(after: equals)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            if names.isEmpty { servers.removeAll { $0.kind == kind } }
            for name in names {
                servers.append(ConfiguredServer(server: NTPServerSpec(host: String(name)), kind: kind,
                                                daemon: .timesyncd, file: file, line: number))
            }
        }
    }

    /// The servers in `mainFile` and then in the `*.conf` drop-ins of
    /// `dropInDirectories` (highest priority first: a drop-in name found in
    /// several directories is read from the first only; drop-ins are applied in
    /// name order). `NTP=` and `FallbackNTP=` servers are both returned.
    public static func timesyncdServers(mainFile: String = timesyncdFile,
                                        dropInDirectories: [String] = timesyncdDropInDirectories) -> ConfiguredServers {
        var found = ConfiguredServers()
        for path in [mainFile] + filesInDirectories(dropInDirectories, suffix: ".conf") {
            guard access(path, F_OK) == 0, let contents = readFile(path, into: &found) else { continue }
            parseTimesyncd(contents, file: path, into: &found.servers)
        }
        return found
    }

    // MARK: files

    /// Include chains deeper than this are cut (a guard against loops the
    /// visited set cannot see, such as ever-new paths).
    private static let maximumIncludeDepth = 10

    /// The first of `paths` that exists.
    private static func firstExisting(_ paths: [String]) -> String? {
        paths.first { access($0, F_OK) == 0 }
    }

    /// The blank-separated words of a line.
    private static func words(of line: Substring) -> [String] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
    }

    /// Lines with their 1-based numbers; a backslash at a line's end does not
    /// join lines here (none of these directives needs it).
    private static func lines(of contents: String) -> [(Int, Substring)] {
        contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { ($0.offset + 1, $0.element) }
    }

    /// The file's text; nil (noted in `found.problems` unless it is simply
    /// missing) when it cannot be read.
    private static func readFile(_ path: String, into found: inout ConfiguredServers) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno != ENOENT { found.problems.append("\(path): \(errnoDescription(errno))") }
            return nil
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                found.problems.append("\(path): \(errnoDescription(errno))")
                return nil
            }
            bytes += chunk.prefix(count)
            guard bytes.count <= 4 << 20 else {
                found.problems.append("\(path): larger than 4 MiB, not a configuration file")
                return nil
            }
        }
        found.filesRead.append(path)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Paths matching a glob pattern, sorted.
    private static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// The files named `*suffix` in `directories`, in name order; a name found
    /// in several directories is taken from the first.
    private static func filesInDirectories(_ directories: [String], suffix: String) -> [String] {
        var byName: [String: String] = [:]
        for directory in directories {
            for path in glob(directory + "/*" + suffix) where !isDirectory(path) {
                let name = String(path.split(separator: "/").last ?? "")
                if byName[name] == nil { byName[name] = path }
            }
        }
        return byName.keys.sorted().map { byName[$0]! }
    }
}
