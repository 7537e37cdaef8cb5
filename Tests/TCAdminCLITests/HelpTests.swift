import XCTest
import Foundation
@testable import TCAdminCLI
import TestSupport

/// Help is generated from the command table: every registered command, including those
/// added later, must carry what `--help` and the man page promise.
final class HelpTests: XCTestCase {
    func testEveryCommandIsDocumentedWithRealExamples() {
        XCTAssertFalse(CommandRegistry.all.isEmpty)
        for command in CommandRegistry.all {
            let name = command.name
            XCTAssertFalse(command.abstract.isEmpty, "\(name): abstract")
            XCTAssertFalse(command.abstract.hasSuffix("."), "\(name): the abstract is one line without a full stop")
            XCTAssertFalse(command.abstract.contains("\n"), "\(name): the abstract is one line")
            XCTAssertFalse(command.usage.isEmpty, "\(name): usage")
            for usage in command.usage {
                XCTAssertTrue(usage.hasPrefix(name), "\(name): usage '\(usage)' starts with the command name")
            }
            XCTAssertGreaterThanOrEqual(command.examples.count, 2, "\(name): at least two examples")
            for example in command.examples {
                XCTAssertTrue(example.command.split(separator: " ").contains(Substring(name)),
                              "\(name): example '\(example.command)' runs the command")
                XCTAssertFalse(example.explanation.isEmpty, "\(name): every example says what it does")
            }
            let help = Help.command(command)
            XCTAssertTrue(help.contains("USAGE: tcadmin \(command.usage[0])"), "\(name)")
            XCTAssertTrue(help.contains("\nEXAMPLES:\n"), "\(name)")
            for spec in command.options {
                XCTAssertTrue(help.contains("--\(spec.name)"), "\(name): option --\(spec.name) in help")
                if let d = spec.defaultValue { XCTAssertTrue(help.contains("(default: \(d))"), "\(name): default of --\(spec.name)") }
            }
            for argument in command.arguments { XCTAssertTrue(help.contains(argument.name), "\(name): argument \(argument.name)") }
            if !command.formats.isEmpty {
                XCTAssertTrue(help.contains("\(command.formats[0].rawValue) (default)"), "\(name): default format")
            }
            // Options must not collide with the global ones, which are parsed first.
            let globals = Set(GlobalOptions.specs.map(\.name))
            for spec in command.options { XCTAssertFalse(globals.contains(spec.name), "\(name): --\(spec.name) shadows a global option") }
            XCTAssertNil(CommandRegistry.all.first { $0 != command && $0.name == name }, "\(name) registered twice")
        }
    }

    func testMainHelpListsEveryCommandWithItsAbstract() {
        let help = Help.main()
        for command in CommandRegistry.all {
            XCTAssertTrue(help.contains("  \(command.name)  ") || help.contains("  \(command.name) "), command.name)
            XCTAssertTrue(help.contains(command.abstract), command.name)
        }
        for (code, _) in ExitCode.documented { XCTAssertTrue(help.contains("  \(code.rawValue) "), "exit \(code.rawValue)") }
        for spec in GlobalOptions.specs { XCTAssertTrue(help.contains("--\(spec.name)"), spec.name) }
    }

    func testAllThreeHelpFormsPrintTheSameText() throws {
        for command in CommandRegistry.all {
            let a = try TCAdminBinary.run(["help", command.name])
            let b = try TCAdminBinary.run([command.name, "--help"])
            let c = try TCAdminBinary.run([command.name, "-h"])
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertEqual(a.stderr, "")
            XCTAssertEqual(a.stdout, b.stdout)
            XCTAssertEqual(a.stdout, c.stdout)
            XCTAssertEqual(a.stdout, Help.command(command) + "\n")
        }
        let main = try TCAdminBinary.run(["--help"])
        XCTAssertEqual(main.stdout, try TCAdminBinary.run(["help"]).stdout)
        XCTAssertEqual(main.stdout, Help.main() + "\n")
    }

    func testTyposExit64AndSuggestTheNearestCommand() throws {
        var r = try TCAdminBinary.run(["stauts"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasPrefix("Error: unknown command 'stauts' — did you mean 'status'?\n"), r.stderr)
        r = try TCAdminBinary.run(["help", "verify-secret"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("did you mean 'verify-secrets'?"), r.stderr)
        r = try TCAdminBinary.run(["test-cod", "--help"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("did you mean 'test-code'?"), r.stderr)
        r = try TCAdminBinary.run(["frobnicate"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("run 'tcadmin --help' for the list of commands"), r.stderr)
        r = try TCAdminBinary.run(["status", "--fromat", "json"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("did you mean '--format'?"), r.stderr)
        // Every registered command is suggested for a one-letter slip of its own name.
        for command in CommandRegistry.all where command.name.count > 4 {
            let typo = String(command.name.dropLast())
            guard CommandRegistry.find(typo) == nil else { continue }
            XCTAssertEqual(ArgumentParser.nearest(typo, among: CommandRegistry.all.map { $0.name }), command.name)
        }
    }

    func testHiddenEntryPointsAreNotAdvertised() throws {
        var r = try TCAdminBinary.run(["--list-commands"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, CommandRegistry.all.map { $0.name + "\n" }.joined())
        r = try TCAdminBinary.run(["--generate-completion", "fish"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("bash|zsh"), r.stderr)
        for hidden in ["--list-commands", "--generate-man", "--generate-completion"] {
            XCTAssertFalse(Help.main().contains(hidden))
            XCTAssertFalse(GlobalOptions.specs.contains { "--" + $0.name == hidden }, "completions offer only GlobalOptions")
        }
    }
}
