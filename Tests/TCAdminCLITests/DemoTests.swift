import XCTest
import Foundation
@testable import TCAdminCLI
import TestSupport

/// `make demo`'s tour runs to the end without a prompt, and shows every built command run.
final class DemoTests: XCTestCase {
    func testTheDemoRunsToTheEndWithoutAPrompt() throws {
        _ = try TestServer.shared()   // the demo uses the same private server
        var env = ProcessInfo.processInfo.environment
        env["TCADMIN_BIN"] = TCAdminBinary.path
        env["NO_COLOR"] = "1"
        let r = try Shell.run([TestPaths.repoRoot.appendingPathComponent("scripts/demo").path], environment: env, stdin: Data())
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("== 7. "), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("backups and journals in .tmp/demo-work.\n"), r.stdout)
        XCTAssertFalse(r.stdout.contains("\u{1B}["), "NO_COLOR")
        let blocks = r.stdout.components(separatedBy: "\n$ ").dropFirst()
        XCTAssertGreaterThan(blocks.count, 20)
        for block in blocks {
            let commandLine = block.prefix { $0 != "\n" }
            let words = commandLine.split(separator: " ").filter { !$0.contains("=") }
            guard words.count >= 2, words[0] == "tcadmin" else { continue }
            let built = CommandRegistry.find(String(words[1])) != nil
            XCTAssertEqual(block.contains("\n(not built yet)"), !built, "\(commandLine)")
        }
        // The steps of the built commands give the documented answers.
        XCTAssertTrue(r.stdout.contains("accepted: the code is the current one"))
        XCTAssertTrue(r.stdout.contains("rejected: the code matches 6 steps (180 s) behind this server's clock"))
        XCTAssertTrue(r.stderr.contains("warning: this host cannot reach 127.0.0.1:9 (connection refused), where the app's setup page loads its QR code"), "the setup-page guard")
        XCTAssertTrue(r.stdout.contains("enrolled ckent: the secret is stored\n"), "the way out: enroll offline")
    }
}
