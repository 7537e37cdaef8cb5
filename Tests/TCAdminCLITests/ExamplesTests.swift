import XCTest
import Foundation
@testable import TCAdminCLI
import TestSupport

/// examples/ and README.md stay true to the code: the example config documents every key and
/// parses, every `tcadmin ...` command line written there parses (once its command exists),
/// and the cron job does what it says.
final class ExamplesTests: XCTestCase {
    let root = TestPaths.repoRoot.path

    func testTheExampleConfigDocumentsEveryKeyAndParses() throws {
        let path = root + "/examples/tcadmin.conf.example"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in Configuration.fileKeys {
            XCTAssertTrue(text.contains("\n\(key) = ") || text.contains("\n# \(key) = "), "examples/tcadmin.conf.example documents '\(key)'")
        }
        // As shipped, and with every example line switched on.
        XCTAssertEqual(try Configuration.readConfigFile(path)?["app-dir"], "/var/www/teamcal")
        let all = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let body = line.dropFirst(2)
            if line.hasPrefix("# "), let eq = body.firstIndex(of: "="),
               Configuration.fileKeys.contains(body[..<eq].trimmingCharacters(in: .whitespaces)) { return String(body) }
            return String(line)
        }.joined(separator: "\n")
        let file = NSTemporaryDirectory() + "tcadmin-conf-\(UUID().uuidString)"
        try all.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let values = try XCTUnwrap(Configuration.readConfigFile(file))
        XCTAssertEqual(Set(values.keys), Configuration.fileKeys)
    }

    /// `tcadmin ...` invocations in the docs: in code blocks, inline code, the cron script,
    /// the Nagios and Icinga definitions.
    func commandLines() throws -> [(file: String, line: String)] {
        var files = ["README.md"]
        let examples = root + "/examples"
        for relative in FileManager.default.enumerator(atPath: examples)?.allObjects as? [String] ?? [] {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: examples + "/" + relative, isDirectory: &isDir), !isDir.boolValue {
                files.append("examples/" + relative)
            }
        }
        let start = try NSRegularExpression(pattern: #"(?:^|[\s`=/("])(?:tcadmin|"\$TCADMIN")\s+(?=-|[a-z])"#)
        var found: [(String, String)] = []
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n").map(String.init) {
                let ns = line as NSString
                for match in start.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
                    var rest = ns.substring(from: match.range.location + match.range.length)
                    if let end = rest.firstIndex(where: { "`|>;\\#)".contains($0) }) { rest = String(rest[..<end]) }
                    found.append((file, rest))
                }
            }
        }
        return found
    }

    func testEveryDocumentedCommandLineParses() throws {
        let lines = try commandLines()
        XCTAssertGreaterThan(lines.count, 10)
        var checked = 0
        for (file, line) in lines {
            // Shell substitutions and monitoring macros stand for a value.
            var text = line.replacingOccurrences(of: #"\$\([^)]*\)?"#, with: "1", options: .regularExpression)
            text = text.replacingOccurrences(of: #"\$[A-Za-z0-9_]+\$?"#, with: "1", options: .regularExpression)
            let words = text.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
                .filter { !$0.isEmpty && $0 != "..." }
            let named = words.first { CommandRegistry.find($0) != nil }
            do {
                let (request, parsed) = try ArgumentParser.parse(words, presetCommand: nil)
                guard let name = request.commandName, let type = CommandRegistry.find(name), let parsed else { continue }
                if request.helpRequested { checked += 1; continue }
                if let format = request.global.value("format") {
                    XCTAssertTrue(type.formats.map(\.rawValue).contains(format), "\(file): '\(line)': \(name) has no format \(format)")
                }
                _ = try type.init(parsed)
                checked += 1
            } catch let error as CLIError {
                // A command not built yet is a plugin candidate; prose like "tcadmin NAME" is not a command line.
                if named != nil { XCTFail("\(file): 'tcadmin \(line)': \(error.message)") }
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 3, "command lines of built commands were checked")
    }

    func testTheCronJobMailsTheListOnlyWhenThereIsOne() throws {
        let dir = NSTemporaryDirectory() + "tcadmin-cron-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A stand-in for mail(1) that keeps what it was given, and one for tcadmin.
        try "#!/bin/sh\n{ printf 'args:'; printf ' [%s]' \"$@\"; echo; cat; } > \"$MAILBOX\"\n"
            .write(toFile: dir + "/mail", atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho \"called: $*\" >&2\nprintf \"$FAKE_OUT\"\nexit $FAKE_STATUS\n"
            .write(toFile: dir + "/fake-tcadmin", atomically: true, encoding: .utf8)
        chmod(dir + "/mail", 0o755)
        chmod(dir + "/fake-tcadmin", 0o755)
        let script = root + "/examples/cron/weekly-unenrolled"
        func run(out: String, status: Int) throws -> (Shell.Result, String?) {
            let mailbox = dir + "/mailbox-\(status)"
            let r = try Shell.run([script], environment: [
                "PATH": dir + ":/usr/bin:/bin", "MAILBOX": mailbox, "TCADMIN": dir + "/fake-tcadmin",
                "FAKE_OUT": out, "FAKE_STATUS": String(status), "MAILTO": "ops@example.org", "SITE": "tc.example.org",
            ])
            return (r, try? String(contentsOfFile: mailbox, encoding: .utf8))
        }
        var (r, mail) = try run(out: "", status: 0)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNil(mail, "nobody missing: no mail")
        (r, mail) = try run(out: "ckent\\ndprince\\nmüller\\n", status: 1)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(mail?.hasPrefix("args: [-s] [TeamCal Neo on tc.example.org: 3 users without 2FA] [ops@example.org]\n") == true, mail ?? "no mail")
        XCTAssertTrue(mail?.contains("\n    ckent\n    dprince\n    müller\n") == true, mail ?? "")
        (r, mail) = try run(out: "", status: 69)
        XCTAssertEqual(r.status, 69)
        XCTAssertTrue(mail?.contains("failed (69)") == true, mail ?? "no mail")
        XCTAssertTrue(mail?.contains("called: --quiet unenrolled --format names --fail-if-any") == true, mail ?? "")
    }

    func testTheMonitoringExamplesMatchNtpCheck() throws {
        let nagios = try String(contentsOfFile: root + "/examples/nagios/tcadmin.cfg", encoding: .utf8)
        let icinga = try String(contentsOfFile: root + "/examples/icinga2/tcadmin.conf", encoding: .utf8)
        XCTAssertTrue(nagios.contains("tcadmin ntp-check --format nagios --warn 5 --crit 15"))
        XCTAssertTrue(icinga.contains("\"ntp-check\", \"--format\", \"nagios\""))
        guard let ntp = CommandRegistry.find("ntp-check") else {
            throw XCTSkip("ntp-check is not built in this checkout: its options are checked once it is")
        }
        XCTAssertTrue(ntp.formats.contains(.nagios))
        let options = Set(ntp.options.map(\.name))
        for option in ["warn", "crit", "server", "timeout", "db"] {
            XCTAssertTrue(options.contains(option), "ntp-check --\(option), used by examples/icinga2/tcadmin.conf")
        }
    }
}
