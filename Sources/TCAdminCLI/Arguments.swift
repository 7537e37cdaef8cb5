/// What shell completion should offer for an option's value or an argument.
public enum Completion: Sendable, Equatable {
    case none
    case file
    case directory
    case choices([String])
    case user
    case host
}

/// One command-line option: `--name VALUE`, `--name=VALUE` or a `--flag`.
public struct OptionSpec: Sendable {
    public let name: String
    public let short: Character?
    /// nil for a flag; otherwise how the value is named in help ("FILE", "N").
    public let valueName: String?
    public let help: String
    public let defaultValue: String?
    public let repeatable: Bool
    public let completion: Completion

    public static func flag(_ name: String, short: Character? = nil, _ help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: nil, help: help, defaultValue: nil, repeatable: false, completion: .none)
    }

    public static func value(_ name: String, short: Character? = nil, _ valueName: String, _ help: String,
                             default defaultValue: String? = nil, repeatable: Bool = false,
                             completion: Completion = .none) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: valueName, help: help, defaultValue: defaultValue,
                   repeatable: repeatable, completion: completion)
    }

    public var takesValue: Bool { valueName != nil }
}

/// A positional argument, for help and completion.
public struct ArgumentSpec: Sendable {
    public let name: String
    public let help: String
    public let completion: Completion

    public init(_ name: String, _ help: String, completion: Completion = .none) {
        self.name = name
        self.help = help
        self.completion = completion
    }
}

/// The options and arguments given to one command, after parsing.
public struct ParsedArguments: Sendable {
    public let command: String
    public private(set) var flags: Set<String> = []
    public private(set) var values: [String: [String]] = [:]
    public var positionals: [String] = []

    init(command: String) { self.command = command }

    mutating func set(_ spec: OptionSpec, _ value: String?) throws(CLIError) {
        guard let value else { flags.insert(spec.name); return }
        if !spec.repeatable, let old = values[spec.name], !old.isEmpty {
            throw .usage("--\(spec.name) is given twice", command: command)
        }
        values[spec.name, default: []].append(value)
    }

    public func flag(_ name: String) -> Bool { flags.contains(name) }
    public func value(_ name: String) -> String? { values[name]?.last }
    public func all(_ name: String) -> [String] { values[name] ?? [] }
    public func has(_ name: String) -> Bool { flags.contains(name) || values[name] != nil }

    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(CLIError) -> Int {
        guard let text = value(name) else { return fallback }
        guard let n = Int(text), range.contains(n) else {
            throw .usage("--\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(40))'", command: command)
        }
        return n
    }

    public func double(_ name: String, default fallback: Double, range: ClosedRange<Double>) throws(CLIError) -> Double {
        guard let text = value(name) else { return fallback }
        guard let n = Double(text), n.isFinite, range.contains(n) else {
            throw .usage("--\(name) takes a number from \(trimmed(range.lowerBound)) to \(trimmed(range.upperBound)), not '\(text.prefix(40))'", command: command)
        }
        return n
    }

    public func choice(_ name: String, from choices: [String]) throws(CLIError) -> String? {
        guard let text = value(name) else { return nil }
        guard choices.contains(text) else {
            throw .usage("--\(name) must be one of \(choices.joined(separator: ", ")), not '\(text.prefix(40))'", command: command)
        }
        return text
    }

    /// Rejects positionals beyond `count`.
    public func expectPositionals(_ range: ClosedRange<Int>, names: String) throws(CLIError) {
        if positionals.count < range.lowerBound {
            throw .usage("missing \(names)", command: command)
        }
        if positionals.count > range.upperBound {
            throw .usage("unexpected argument '\(positionals[range.upperBound].prefix(40))'", command: command)
        }
    }

    private func trimmed(_ d: Double) -> String {
        d == d.rounded() ? String(Int(d)) : String(d)
    }
}

/// The result of reading the whole command line.
struct CommandLineRequest {
    var global: ParsedArguments
    var commandName: String?
    var helpRequested = false
    var versionRequested = false
}

/// Hand-written parser: subcommands, `--opt value`, `--opt=value`, `-h`, `--`.
/// Global options are accepted before and after the command name.
enum ArgumentParser {
    static let passwordOptions: Set<String> = ["password", "pass", "db-password", "db-pass", "passwd"]

    static func parse(_ args: [String], presetCommand: String?) throws(CLIError) -> (CommandLineRequest, ParsedArguments?) {
        var request = CommandLineRequest(global: ParsedArguments(command: ""), commandName: presetCommand)
        var commandType: (any Command.Type)? = presetCommand.flatMap(CommandRegistry.find)
        var parsed: ParsedArguments? = presetCommand.map { ParsedArguments(command: $0) }
        var i = 0
        var onlyPositionals = false

        func specs() -> [OptionSpec] { GlobalOptions.specs + (commandType?.options ?? []) }

        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                if parsed == nil {
                    if arg == "help" && request.commandName == nil && !onlyPositionals {
                        request.helpRequested = true
                        continue
                    }
                    if request.helpRequested && CommandRegistry.find(arg) == nil { throw unknownCommand(arg) }
                    request.commandName = arg
                    commandType = CommandRegistry.find(arg)
                    if commandType == nil {
                        // Not built in: maybe a plugin (tcadmin-NAME on PATH); the rest is its own.
                        request.global.positionals = Array(args[i...])
                        return (request, nil)
                    }
                    parsed = ParsedArguments(command: arg)
                } else {
                    parsed!.positionals.append(arg)
                }
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }

            var name: String
            var inlineValue: String?
            if arg.hasPrefix("--") {
                let body = arg.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq])
                    inlineValue = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                }
            } else {
                guard arg.count == 2, let ch = arg.last,
                      let spec = specs().first(where: { $0.short == ch }) else {
                    if arg == "-p" || arg.hasPrefix("-p") { throw passwordRefused() }
                    throw .usage("unknown option '\(arg.prefix(40))'", command: request.commandName)
                }
                name = spec.name
            }
            if passwordOptions.contains(name) { throw passwordRefused() }
            if name == "help" { request.helpRequested = true; continue }
            if name == "version" && parsed == nil { request.versionRequested = true; continue }
            guard let spec = specs().first(where: { $0.name == name }) else {
                var message = "unknown option '--\(name.prefix(40))'"
                if let command = request.commandName { message += " for '\(command)'" }
                if let near = nearest(name, among: specs().map(\.name)) { message += " — did you mean '--\(near)'?" }
                throw .usage(message, command: request.commandName)
            }
            var value: String?
            if spec.takesValue {
                if let inlineValue {
                    value = inlineValue
                } else if i < args.count {
                    value = args[i]
                    i += 1
                } else {
                    throw .usage("--\(name) needs a value (\(spec.valueName!))", command: request.commandName)
                }
            } else if inlineValue != nil {
                throw .usage("--\(name) takes no value", command: request.commandName)
            }
            if GlobalOptions.specs.contains(where: { $0.name == spec.name }) {
                try request.global.set(spec, value)
            } else {
                try parsed!.set(spec, value)
            }
        }
        return (request, parsed)
    }

    static func passwordRefused() -> CLIError {
        .usage("passwords are never taken on the command line — use --password-file FILE or the environment variable TCADMIN_DB_PASSWORD")
    }

    static func unknownCommand(_ name: String) -> CLIError {
        var message = "unknown command '\(name.prefix(40))'"
        if let near = nearest(name, among: CommandRegistry.all.map { $0.name }) {
            message += " — did you mean '\(near)'?"
        } else {
            message += " — run 'tcadmin --help' for the list of commands"
        }
        return .usage(message)
    }

    /// The closest name by edit distance, when it is close enough to be a typo.
    static func nearest(_ word: String, among names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        guard let (name, distance) = scored else { return nil }
        if distance <= max(2, word.count / 3) { return name }
        if name.hasPrefix(word) && word.count >= 3 { return name }
        return nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
