import XCTest
@testable import TCAdminCLI

final class ArgumentParserTests: XCTestCase {
    func testOptionsBeforeAndAfterTheCommandBothForms() throws {
        let (request, parsed) = try ArgumentParser.parse(["--host", "db", "status", "--format=json", "--port=3307", "-q"], presetCommand: nil)
        XCTAssertEqual(request.commandName, "status")
        XCTAssertEqual(request.global.value("host"), "db")
        XCTAssertEqual(request.global.value("port"), "3307")
        XCTAssertEqual(request.global.value("format"), "json")
        XCTAssertTrue(request.global.flag("quiet"))
        XCTAssertNotNil(parsed)
    }

    func testHelpForms() throws {
        for args in [["help", "status"], ["status", "--help"], ["status", "-h"]] {
            let (request, _) = try ArgumentParser.parse(args, presetCommand: nil)
            XCTAssertTrue(request.helpRequested, "\(args)")
            XCTAssertEqual(request.commandName, "status")
        }
    }

    func testUsageErrors() {
        func message(_ args: [String]) -> String? {
            do { _ = try ArgumentParser.parse(args, presetCommand: nil); return nil } catch { return error.message }
        }
        XCTAssertEqual(message(["--password", "x", "status"])?.contains("--password-file"), true)
        XCTAssertEqual(message(["--password=x", "status"])?.contains("never taken on the command line"), true)
        XCTAssertEqual(message(["-p", "status"])?.contains("--password-file"), true)
        XCTAssertEqual(message(["status", "--hots", "x"]), "unknown option '--hots' for 'status' — did you mean '--host'?")
        XCTAssertEqual(message(["status", "--port"]), "--port needs a value (N)")
        XCTAssertEqual(message(["status", "--quiet=1"]), "--quiet takes no value")
        XCTAssertEqual(message(["--host", "a", "--host", "b", "status"]), "--host is given twice")
        XCTAssertEqual(message(["help", "stauts"]), "unknown command 'stauts' — did you mean 'status'?")
    }

    func testUnknownCommandIsAPluginCandidate() throws {
        let (request, parsed) = try ArgumentParser.parse(["--host", "db", "report", "--weekly", "x"], presetCommand: nil)
        XCTAssertEqual(request.commandName, "report")
        XCTAssertNil(parsed)
        XCTAssertEqual(request.global.positionals, ["--weekly", "x"])
    }

    func testNearest() {
        XCTAssertEqual(ArgumentParser.nearest("unenroled", among: ["unenrolled", "status"]), "unenrolled")
        XCTAssertNil(ArgumentParser.nearest("zzzzzz", among: ["unenrolled", "status"]))
    }
}

final class JSONTests: XCTestCase {
    func testStableOrderAndEscaping() {
        let json = JSON.object([("b", .int(1)), ("a", .string("q\"\\\n\u{01}é")), ("c", .array([.bool(true), .null])), ("d", .object([]))])
        XCTAssertEqual(json.rendered(), """
            {
              "b": 1,
              "a": "q\\"\\\\\\n\\u0001é",
              "c": [
                true,
                null
              ],
              "d": {}
            }

            """)
    }
}
