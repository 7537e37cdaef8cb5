/// Help text, in the familiar sections: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS.
enum Help {
    static let overview = "tcadmin — two-factor (TOTP) administration for TeamCal Neo"

    static func main() -> String {
        var lines = ["OVERVIEW: \(overview)", "",
                     "USAGE: tcadmin [connection options] <command> [command options]", "",
                     "SUBCOMMANDS:"]
        let width = (CommandRegistry.all.map { displayWidth($0.name) } + [4]).max()! + 2
        for command in CommandRegistry.all {
            lines.append("  " + pad(command.name, width) + command.abstract)
        }
        lines.append("  " + pad("help", width) + "Show help for a command")
        lines.append("")
        lines.append("  Any other NAME runs an executable tcadmin-NAME from PATH (a plugin),")
        lines.append("  with the connection settings in its environment.")
        lines.append("")
        lines.append("CONNECTION OPTIONS:")
        lines += options(GlobalOptions.connection)
        lines.append("")
        lines.append("OUTPUT OPTIONS:")
        lines += options(GlobalOptions.output)
        lines.append("")
        lines.append("SETTINGS: command line > TCADMIN_* environment > config file (/etc/tcadmin.conf, then")
        lines.append("  ~/.config/tcadmin/config) > files read from --app-dir > --defaults-file > defaults.")
        lines.append("  Passwords are never taken on the command line: --password-file or TCADMIN_DB_PASSWORD.")
        lines.append("")
        lines.append("EXIT CODES:")
        for (code, meaning) in ExitCode.documented {
            lines.append("  " + pad(String(code.rawValue), 5) + meaning)
        }
        lines.append("")
        lines.append("See 'tcadmin help <command>' for a command's options and examples, and 'man tcadmin'")
        lines.append("for the config file, the environment and the JSON formats.")
        return lines.joined(separator: "\n")
    }

    static func command(_ command: any Command.Type) -> String {
        var lines = ["OVERVIEW: \(command.abstract)"]
        if !command.discussion.isEmpty { lines += ["", command.discussion] }
        lines.append("")
        for (i, usage) in command.usage.enumerated() {
            lines.append((i == 0 ? "USAGE: " : "       ") + "tcadmin " + usage)
        }
        if !command.arguments.isEmpty {
            lines += ["", "ARGUMENTS:"]
            let width = command.arguments.map { displayWidth($0.name) }.max()! + 4
            for argument in command.arguments {
                lines.append("  " + pad(argument.name, width) + argument.help)
            }
        }
        if !command.options.isEmpty || !command.formats.isEmpty {
            lines += ["", "OPTIONS:"]
            lines += options(command.options)
            if !command.formats.isEmpty {
                let names = command.formats.enumerated().map { $0.offset == 0 ? "\($0.element.rawValue) (default)" : $0.element.rawValue }
                lines.append("  " + pad("--format FORMAT", 24) + names.joined(separator: ", "))
            }
        }
        if !command.examples.isEmpty {
            lines += ["", "EXAMPLES:"]
            for example in command.examples {
                lines.append("  tcadmin " + example.command)
                lines.append("      " + example.explanation)
            }
        }
        lines += ["", "Connection and output options (--app-dir, --host, --yes, --quiet, ...): see 'tcadmin --help'."]
        return lines.joined(separator: "\n")
    }

    static func options(_ specs: [OptionSpec]) -> [String] {
        specs.map { spec in
            var head = spec.short.map { "-\($0), " } ?? ""
            head += "--\(spec.name)"
            if let value = spec.valueName { head += " \(value)" }
            var help = spec.help
            if let d = spec.defaultValue { help += " (default: \(d))" }
            if spec.repeatable { help += " (may be repeated)" }
            if head.count >= 24 { return "  \(head)\n  \(pad("", 24))\(help)" }
            return "  " + pad(head, 24) + help
        }
    }

    /// `s` padded with spaces to `width` terminal cells (at least one space follows it).
    static func pad(_ s: String, _ width: Int) -> String {
        let w = displayWidth(s)
        return w >= width ? s + " " : s + String(repeating: " ", count: width - w)
    }
}
