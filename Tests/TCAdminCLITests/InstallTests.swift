import XCTest
import Foundation
@testable import TCAdminCLI
import TestSupport

/// The real `make install` into a temporary prefix, then everything from the installed
/// files: the links, the man page, both completions, the systemd examples; then
/// `make uninstall`. BIN= installs the binary the tests already built (no release build).
final class InstallTests: XCTestCase {
    func make(_ target: String, destdir: String) throws -> Shell.Result {
        try Shell.run(["make", "--no-print-directory", "-C", TestPaths.repoRoot.path, target,
                       "DESTDIR=\(destdir)", "PREFIX=/usr", "BIN=\(TCAdminBinary.path)"])
    }

    func testMakeInstallIntoATemporaryPrefixAndUninstall() throws {
        let destdir = NSTemporaryDirectory() + "tcadmin-install-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: destdir) }
        let fm = FileManager.default
        let root = destdir + "/usr"

        let install = try make("install", destdir: destdir)
        XCTAssertEqual(install.status, 0, install.stdout + install.stderr)

        // The binary and a relative tcadmin-COMMAND link for every command.
        XCTAssertTrue(fm.isExecutableFile(atPath: root + "/bin/tcadmin"))
        for command in CommandRegistry.all {
            let link = root + "/bin/tcadmin-\(command.name)"
            XCTAssertEqual(try? fm.destinationOfSymbolicLink(atPath: link), "tcadmin", link)
            XCTAssertEqual(try? fm.destinationOfSymbolicLink(atPath: root + "/share/bash-completion/completions/tcadmin-\(command.name)"), "tcadmin")
        }
        let status = try TCAdminBinary.run(["--help"], executable: root + "/bin/tcadmin-status")
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.hasPrefix("OVERVIEW: " + StatusCommand.abstract), status.stdout)

        // The man page, found through MANPATH as `man tcadmin` would, rendered without warnings.
        let manEnv = ["MANPATH": root + "/share/man", "MANWIDTH": "100", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "MANPAGER": "cat"]
        let man = try Shell.run(["man", "--warnings", "tcadmin"], environment: manEnv)
        XCTAssertEqual(man.status, 0, man.stderr)
        XCTAssertEqual(man.stderr, "")
        XCTAssertTrue(man.stdout.contains("TCADMIN(1)"))
        for command in CommandRegistry.all { XCTAssertTrue(man.stdout.contains(command.abstract), command.name) }
        let lint = try Shell.run(["groff", "-man", "-Tutf8", "-ww", "-z", root + "/share/man/man1/tcadmin.1"])
        XCTAssertEqual(lint.stderr, "")

        // Completions from the installed files.
        let words = try CompletionShells.bash(script: root + "/share/bash-completion/completions/tcadmin",
                                              words: ["tcadmin", ""], path: root + "/bin")
        XCTAssertEqual(words, CommandRegistry.all.map { $0.name } + ["help"], "the links are not plugins")
        let work = NSTemporaryDirectory() + "tcadmin-install-work-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let zsh = CompletionShells.zsh(fpath: root + "/share/zsh/site-functions", path: root + "/bin", work: work + "/zsh")
        XCTAssertEqual(Set(try zsh("tcadmin ")), Set(CommandRegistry.all.map { $0.name } + ["help"]))
        XCTAssertEqual(try zsh("tcadmin --ssl-mode dis"), ["disabled"])

        // The documentation and examples; the systemd units verify against the installed page.
        let doc = root + "/share/doc/tcadmin"
        XCTAssertTrue(fm.fileExists(atPath: doc + "/README.md"))
        XCTAssertTrue(fm.isExecutableFile(atPath: doc + "/examples/cron/weekly-unenrolled"))
        try verifySystemdUnits(doc + "/examples/systemd", manpath: root + "/share/man", units: work + "/units")

        // A site's plugin in the same folder survives uninstall; everything installed goes.
        try "#!/bin/sh\n".write(toFile: root + "/bin/tcadmin-site-report", atomically: true, encoding: .utf8)
        let uninstall = try make("uninstall", destdir: destdir)
        XCTAssertEqual(uninstall.status, 0, uninstall.stdout + uninstall.stderr)
        let left = try allFiles(destdir)
        XCTAssertEqual(left, ["usr/bin/tcadmin-site-report"], "uninstall leaves only the plugin")
    }

    func verifySystemdUnits(_ dir: String, manpath: String, units: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            print("systemd-analyze is absent: the systemd examples are not verified")
            return
        }
        // Point ExecStart at the installed script, as an administrator would after copying it.
        try FileManager.default.createDirectory(atPath: units, withIntermediateDirectories: true)
        let script = dir.replacingOccurrences(of: "/systemd", with: "/cron/weekly-unenrolled")
        for name in ["tcadmin-unenrolled.service", "tcadmin-unenrolled.timer"] {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/sbin/tcadmin-weekly-unenrolled", with: script)
            try text.write(toFile: units + "/" + name, atomically: true, encoding: .utf8)
        }
        let r = try Shell.run(["systemd-analyze", "verify", units + "/tcadmin-unenrolled.service", units + "/tcadmin-unenrolled.timer"],
                              environment: ["MANPATH": manpath, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(r.stderr, "", "systemd-analyze verify")
    }

    /// Files and links under `dir`, relative, sorted (folders left empty are not listed).
    func allFiles(_ dir: String) throws -> [String] {
        let fm = FileManager.default
        var result: [String] = []
        guard let walker = fm.enumerator(atPath: dir) else { return [] }
        while let relative = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            let path = dir + "/" + relative
            let isLink = (try? fm.destinationOfSymbolicLink(atPath: path)) != nil
            if isLink || (fm.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue) { result.append(relative) }
        }
        return result.sorted()
    }
}
