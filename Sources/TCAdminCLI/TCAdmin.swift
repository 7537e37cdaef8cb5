import FoundationEssentials
import Glibc
import TCDatabase
import TeamCal

/// The command-line entry point: parses, dispatches, reports errors, returns the exit code.
public enum TCAdmin {
    public static let version = "0.1.0"

    public static func main(arguments: [String], environment: [String: String], console: Console) -> Int32 {
        defer { console.flush() }
        // Before parsing, so that even a usage error is printed without colour.
        if arguments.dropFirst().prefix(while: { $0 != "--" }).contains("--no-color") { console.disableColor() }
        let program = (arguments.first.map { baseName($0) }) ?? "tcadmin"
        // Busybox style: invoked as tcadmin-<command>, run that command.
        var preset: String?
        if program.hasPrefix("tcadmin-") {
            let name = String(program.dropFirst("tcadmin-".count))
            if CommandRegistry.find(name) != nil { preset = name }
        }
        do {
            return try run(Array(arguments.dropFirst()), preset: preset, environment: environment, console: console).rawValue
        } catch {
            let failure = CLIError.from(error)
            report(failure, console: console)
            return failure.code.rawValue
        }
    }

    static func report(_ failure: CLIError, console: Console) {
        console.err(console.paint("Error: ", .red) + failure.message)
        if let command = failure.usageOf {
            if let type = CommandRegistry.find(command), let usage = type.usage.first {
                console.err("Usage: tcadmin \(usage)  (see 'tcadmin help \(command)')")
            } else {
                console.err("Usage: tcadmin [options] <command> [options]  (see 'tcadmin --help')")
            }
        }
    }

    static func run(_ args: [String], preset: String?, environment: [String: String], console: Console) throws -> ExitCode {
        if preset == nil, let generated = try generate(args, environment: environment, console: console) {
            return generated
        }
        let (request, parsedCommand) = try ArgumentParser.parse(args, presetCommand: preset)
        let global = request.global
        console.quiet = global.flag("quiet")
        console.verbose = global.flag("verbose")
        if global.flag("no-color") { console.disableColor() }

        if request.versionRequested && request.commandName == nil {
            console.out(versionText())
            return .ok
        }
        guard let name = request.commandName else {
            if request.helpRequested {
                console.out(Help.main())
                return .ok
            }
            throw CLIError.usage("no command given — run 'tcadmin --help' for the list of commands")
        }
        guard let type = CommandRegistry.find(name), let parsed = parsedCommand else {
            if request.helpRequested { throw ArgumentParser.unknownCommand(name) }
            return try Plugin.run(name: name, arguments: global.positionals, global: global,
                                  environment: environment, console: console)
        }
        if request.helpRequested {
            console.out(Help.command(type))
            return .ok
        }
        var format = type.formats.first ?? .text
        if let text = global.value("format") {
            guard let f = OutputFormat(rawValue: text), type.formats.contains(f) else {
                let allowed = type.formats.map(\.rawValue).joined(separator: ", ")
                throw CLIError.usage("'\(name)' has no format '\(text.prefix(20))' — use one of: \(allowed.isEmpty ? "(none)" : allowed)", command: name)
            }
            format = f
        }
        let command: any Command
        do { command = try type.init(parsed) } catch let e as CLIError where e.code == .usage {
            throw CLIError(e.code, e.message, usageOf: name)
        }
        let configuration = try Configuration.resolve(global, environment: environment)
        let context = Context(console: console, environment: environment, configuration: configuration,
                              format: format, assumeYes: global.flag("yes"), commandName: name)
        do {
            return try command.run(context)
        } catch {
            throw CLIError.from(error, connection: configuration.connection)
        }
    }

    /// Hidden entry points for `make install` and packagers, listed neither in help nor in
    /// the completions: `--list-commands`, `--generate-man`, `--generate-completion bash|zsh`.
    static func generate(_ args: [String], environment: [String: String], console: Console) throws -> ExitCode? {
        guard let first = args.first else { return nil }
        switch first {
        case "--list-commands":
            guard args.count == 1 else { throw CLIError.usage("--list-commands takes no arguments") }
            for command in CommandRegistry.all { console.out(command.name) }
        case "--generate-man":
            guard args.count == 1 else { throw CLIError.usage("--generate-man takes no arguments") }
            console.outRaw(ManPage.render(version: version, date: manDate(environment)))
        case "--generate-completion":
            let shells = Completions.Shell.allCases.map(\.rawValue).joined(separator: "|")
            guard args.count == 2, let shell = Completions.Shell(rawValue: args[1]) else {
                throw CLIError.usage("--generate-completion takes one shell: \(shells)")
            }
            console.outRaw(Completions.script(for: shell))
        default:
            return nil
        }
        return .ok
    }

    /// The man page's date: SOURCE_DATE_EPOCH for reproducible builds, else today.
    static func manDate(_ environment: [String: String]) -> String {
        let seconds = environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) ?? Date().timeIntervalSince1970
        return formatTime(Date(timeIntervalSince1970: seconds), "%Y-%m-%d", utc: true)
    }

    static func versionText() -> String {
        "tcadmin \(version) (MariaDB Connector/C \(Connection.clientVersion))"
    }
}

/// Runs `tcadmin-NAME` from PATH, the git/kubectl plugin convention.
enum Plugin {
    static func run(name: String, arguments: [String], global: ParsedArguments,
                    environment: [String: String], console: Console) throws -> ExitCode {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
              let path = find("tcadmin-" + name, in: environment["PATH"] ?? "") else {
            throw ArgumentParser.unknownCommand(name)
        }
        // Hand the resolved connection settings over in the environment, never as arguments.
        let configuration = try Configuration.resolve(global, environment: environment)
        var env = environment
        let c = configuration.connection
        let pairs: [(String, String?)] = [
            ("TCADMIN_HOST", c.host), ("TCADMIN_PORT", c.port.map(String.init)), ("TCADMIN_SOCKET", c.socket),
            ("TCADMIN_USER", c.user), ("TCADMIN_DATABASE", c.database), ("TCADMIN_PREFIX", configuration.prefix),
            ("TCADMIN_SSL_MODE", c.sslMode.rawValue), ("TCADMIN_SSL_CA", c.sslCA), ("TCADMIN_APP_DIR", configuration.appDir),
            ("TCADMIN_DB_PASSWORD", c.password),
        ]
        for (key, value) in pairs { if let value { env[key] = value } }
        if case .file(let keyFile)? = configuration.keySource { env["TCADMIN_KEY_FILE"] = keyFile }
        env["TCADMIN_STATE_DIR"] = configuration.stateDir
        if global.flag("no-color") { env["NO_COLOR"] = "1" }
        console.flush()
        return try spawn(path, arguments: [path] + arguments, environment: env)
    }

    /// Runs `path` and waits for it: its exit status, or 128 + the signal that ended it.
    private static func spawn(_ path: String, arguments: [String], environment: [String: String]) throws -> ExitCode {
        func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] { strings.map { strdup($0) } + [nil] }
        let argv = cStrings(arguments)
        let envp = cStrings(environment.map { "\($0.key)=\($0.value)" })
        defer { for p in argv + envp { free(p) } }
        var pid = pid_t()
        let failed = posix_spawn(&pid, path, nil, nil, argv, envp)
        guard failed == 0 else {
            throw CLIError(.unavailable, "cannot run the plugin \(path): \(String(cString: strerror(failed)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return ExitCode(rawValue: signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
    }

    static func find(_ executable: String, in path: String) -> String? {
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
