import XCTest
import Foundation
@testable import TCAdminCLI
import TestSupport

/// Completion scripts generated from the command table, exercised in real bash and zsh.
/// `CompletionShells` is shared with the install test, which runs them from the installed files.
final class CompletionTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "tcadmin-completion-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/plugins", withIntermediateDirectories: true)
        for shell in ["bash", "zsh"] {
            let r = try TCAdminBinary.run(["--generate-completion", shell])
            XCTAssertEqual(r.status, 0, r.stderr)
            try r.stdout.write(toFile: dir + (shell == "bash" ? "/tcadmin.bash" : "/_tcadmin"), atomically: true, encoding: .utf8)
        }
        // A site's plugin on PATH is offered as a command.
        try "#!/bin/sh\n".write(toFile: dir + "/plugins/tcadmin-weekly-report", atomically: true, encoding: .utf8)
        chmod(dir + "/plugins/tcadmin-weekly-report", 0o755)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    var names: [String] { CommandRegistry.all.map { $0.name } }

    func bash(_ words: String...) throws -> [String] {
        try CompletionShells.bash(script: dir + "/tcadmin.bash", words: words, path: dir + "/plugins")
    }

    func testBashCommandsOptionsAndValues() throws {
        XCTAssertEqual(try bash("tcadmin", ""), names + ["help", "weekly-report"])
        XCTAssertEqual(try bash("tcadmin", "--app-dir", "/tmp", "-q", ""), names + ["help", "weekly-report"])
        XCTAssertEqual(try bash("tcadmin", "help", ""), names)
        XCTAssertEqual(try bash("tcadmin", "--ssl-mode", "verify-"), ["verify-ca", "verify-identity"])
        XCTAssertEqual(try bash("tcadmin", "--ssl-mode", "=", "r"), ["required"], "--opt=value split at '='")
        XCTAssertEqual(try bash("tcadmin", "--format", ""), OutputFormat.allCases.map(\.rawValue))
        XCTAssertTrue(try bash("tcadmin", "--app-dir", "/us").contains("/usr"))
        XCTAssertTrue(try bash("tcadmin", "--password-file", "/etc/hostn").contains("/etc/hostname"))
        // A plugin's arguments are its own.
        XCTAssertEqual(try bash("tcadmin", "weekly-report", "--"), [])
        for command in CommandRegistry.all {
            let options = try bash("tcadmin", command.name, "--")
            for spec in GlobalOptions.specs where spec.name != "format" || !command.formats.isEmpty {
                XCTAssertTrue(options.contains("--\(spec.name)"), "\(command.name): --\(spec.name)")
            }
            for spec in command.options { XCTAssertTrue(options.contains("--\(spec.name)"), "\(command.name): --\(spec.name)") }
            if !command.formats.isEmpty {
                let formats = command.formats.map(\.rawValue)
                XCTAssertEqual(try bash("tcadmin", command.name, "--format", ""), formats, command.name)
                XCTAssertEqual(try bash("tcadmin", "-v", command.name, "--format", "=", ""), formats, command.name)
                XCTAssertEqual(try bash("tcadmin-\(command.name)", "--format", ""), formats, "busybox name")
            }
            for spec in command.options where spec.takesValue {
                if case .choices(let choices) = spec.completion {
                    XCTAssertEqual(try bash("tcadmin", command.name, "--\(spec.name)", ""), choices, "\(command.name) --\(spec.name)")
                }
            }
            for (i, argument) in command.arguments.enumerated() {
                guard case .choices(let choices) = argument.completion else { continue }
                let before = Array(repeating: "x", count: i)
                let words = ["tcadmin", command.name] + before + [""]
                XCTAssertEqual(try CompletionShells.bash(script: dir + "/tcadmin.bash", words: words, path: dir + "/plugins"),
                               choices, "\(command.name) \(argument.name)")
            }
        }
        XCTAssertEqual(try bash("tcadmin-status", "--inc"), [], "status has no --include-archive")
        XCTAssertEqual(try bash("tcadmin", "--generate-").count + (try bash("tcadmin", "--list-c")).count, 0, "hidden entry points")
    }

    func testBashRegistersTheBusyboxNames() throws {
        let r = try Shell.run(["bash", "-c", "source \"$1\"; complete -p", "bash", dir + "/tcadmin.bash"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("complete -F _tcadmin tcadmin\n") || r.stdout.contains("complete -F _tcadmin tcadmin "), r.stdout)
        for name in names { XCTAssertTrue(r.stdout.contains("tcadmin-\(name)"), name) }
    }

    func testZshLoadsThroughCompinitAndCompletes() throws {
        let zsh = CompletionShells.zsh(fpath: dir, path: dir + "/plugins", work: dir + "/zsh")
        let load = try Shell.run(["zsh", "-fc", "fpath=(\"$1\" $fpath); autoload -Uz compinit; compinit -u -d \"$1/.zcompdump\"; print -r -- $_comps[tcadmin] $_comps[tcadmin-status]", "zsh", dir])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertEqual(load.stderr, "")
        XCTAssertEqual(load.stdout, "_tcadmin _tcadmin\n")
        // Sourced directly (not autoloaded), it registers itself with compdef instead of running.
        let sourced = try Shell.run(["zsh", "-fc", "autoload -Uz compinit; compinit -u -d \"$1/.zcompdump2\"; source \"$1/_tcadmin\"; print -r -- $_comps[tcadmin-test-code]", "zsh", dir])
        XCTAssertEqual(sourced.stderr, "")
        XCTAssertEqual(sourced.stdout, "_tcadmin\n")

        XCTAssertEqual(Set(try zsh("tcadmin ")), Set(names + ["help", "weekly-report"]))
        XCTAssertEqual(try zsh("tcadmin sta"), ["status"])
        XCTAssertEqual(Set(try zsh("tcadmin help ")), Set(names))
        XCTAssertEqual(try zsh("tcadmin --ssl-mode verify-"), ["verify-ca", "verify-identity"])
        XCTAssertEqual(try zsh("tcadmin --format="), OutputFormat.allCases.map(\.rawValue))
        XCTAssertEqual(try zsh("tcadmin --generate-"), [], "hidden entry points")
        for command in CommandRegistry.all {
            let options = Set(try zsh("tcadmin \(command.name) --"))
            for spec in command.options { XCTAssertTrue(options.contains("--\(spec.name)"), "\(command.name): --\(spec.name)") }
            XCTAssertTrue(options.contains("--app-dir"), command.name)
            if let first = command.arguments.first, case .choices(let choices) = first.completion {
                XCTAssertEqual(Set(try zsh("tcadmin \(command.name) ")), Set(choices), "\(command.name) \(first.name)")
            }
            if !command.formats.isEmpty {
                let formats = command.formats.map(\.rawValue)
                XCTAssertEqual(try zsh("tcadmin -q \(command.name) --format "), formats, command.name)
                XCTAssertEqual(try zsh("tcadmin-\(command.name) --format "), formats, "busybox name")
            }
        }
    }
}

/// Drives completion in real shells.
enum CompletionShells {
    /// Sources the bash script and calls its function as readline would; returns COMPREPLY.
    static func bash(script: String, words: [String], path: String) throws -> [String] {
        let program = """
            source "$1"; shift
            COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            _tcadmin
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let r = try Shell.run(["bash", "--norc", "--noprofile", "-c", program, "bash", script] + words,
                              environment: ["PATH": path + ":/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
        guard r.status == 0, r.stderr.isEmpty else { throw TestFailure("bash completion failed: \(r.stderr)") }
        return r.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Types `line` and a TAB into an interactive zsh (zsh/zpty) with compinit and the
    /// completion in `fpath`, and returns the candidates zsh would offer (unique, in order).
    /// The harness and zsh's dump file go to `work`.
    static func zsh(fpath: String, path: String, work: String) -> (String) throws -> [String] {
        { line in
            let harness = work + "/capture.zsh"
            if !FileManager.default.fileExists(atPath: harness) {
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                try capture.write(toFile: harness, atomically: true, encoding: .utf8)
            }
            let r = try Shell.run(["zsh", "-f", harness, fpath, line, work],
                                  environment: ["PATH": path + ":/usr/bin:/bin", "HOME": work, "TERM": "dumb"])
            guard r.status == 0 else { throw TestFailure("zsh completion of '\(line)' failed (\(r.status)): \(r.stderr)") }
            var seen = Set<String>()
            return r.stdout.split(separator: "\n").map(String.init).filter { seen.insert($0).inserted }
        }
    }

    /// The harness: a zsh under a pseudo-terminal whose compadd prints each match it is given.
    static let capture = #"""
        zmodload zsh/zpty || exit 2
        dir=$1 line=$2 work=$3
        setup=$work/capture-setup.zsh
        cat > $setup <<SETUP
        PROMPT= RPROMPT= PS2=
        unsetopt zle_bracketed_paste 2>/dev/null
        fpath=(${(q)dir} \$fpath)
        autoload -Uz compinit
        compinit -u -d ${(q)work}/.zcompdump-capture
        zstyle ':completion:*' list-grouped false
        zstyle ':completion:*' insert-tab false
        compadd() {
          if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "\$@"; return; fi
          typeset -a __hits; builtin compadd -A __hits "\$@"
          local h; for h in \$__hits; do print -r -- "<<\$h>>"; done
        }
        __done() { print -r -- '<<END>>'; exit }
        comppostfuncs=(__done)
        bindkey '^I' complete-word
        SETUP
        zpty z zsh -f -i
        zpty -w z "source ${(q)setup}"
        zpty -w -n z "$line"$'\t'
        local out l
        integer start=SECONDS
        while true; do
          out=
          if ! zpty -r -t z out 2>/dev/null; then
            (( SECONDS - start > 20 )) && { print -u2 timeout; zpty -d z; exit 3 }
            sleep 0.05; continue
          fi
          for l in ${(f)out}; do
            [[ $l == *'<<END>>'* ]] && { zpty -d z; exit 0 }
            [[ $l == *'<<'*'>>'* ]] && { l=${l#*<<}; print -r -- ${l%%>>*} }
          done
        done
        """#
}
