import XCTest
import Foundation
import TCDatabase
import TeamCal
import TestSupport
@testable import TCAdminCLI

/// The resolved settings hold the database password: however a value holding it is turned
/// into text (interpolation, debugPrint, dump, a mirror), the password does not show.
final class SettingsRedactionTests: XCTestCase {
    let password = "Pa55-w0rd-n0t-t0-print"

    private func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped,
                String(describing: Mirror(reflecting: value).children.map { "\($0.label ?? ""): \($0.value)" })]
    }

    private func assertRedacted(_ value: Any, file: StaticString = #filePath, line: UInt = #line) {
        for text in renderings(value) {
            XCTAssertFalse(text.contains(password), "\(type(of: value)) printed the password: \(text)", file: file, line: line)
        }
    }

    func testConnectionOptionsNeverShowThePassword() {
        let options = ConnectionOptions(host: "db.example.org", port: 3307, user: "teamcal", password: password, database: "tcneo")
        assertRedacted(options)
        assertRedacted([options])
        XCTAssertEqual(options.description, "teamcal@db.example.org:3307/tcneo")
        XCTAssertTrue(String(reflecting: options).contains("password: <redacted>"), String(reflecting: options))
        let none = ConnectionOptions(user: "teamcal")
        XCTAssertTrue(String(reflecting: none).contains("password: none"), String(reflecting: none))
    }

    func testAppFolderSettingsNeverShowThePassword() throws {
        let app = try TestAppDir(env: "DB_HOST=localhost\nDB_NAME=tcneo\nDB_USER=teamcal\nDB_PASS='\(password)'\n")
        let folder = try InstallFolder.read(app.path)
        XCTAssertEqual(folder.database.password, password)
        assertRedacted(folder)
        assertRedacted(folder.database)
    }

    func testResolvedConfigurationNeverShowsThePassword() throws {
        let app = try TestAppDir(env: "DB_HOST=localhost\nDB_NAME=tcneo\nDB_USER=teamcal\nDB_PASS='\(password)'\n")
        let (request, _) = try ArgumentParser.parse(["--app-dir", app.path, "status"], presetCommand: nil)
        let configuration = try Configuration.resolve(request.global, environment: ["TCADMIN_CONFIG": ""])
        XCTAssertEqual(configuration.connection.password, password)
        assertRedacted(configuration)
        // The same through the environment.
        let (bare, _) = try ArgumentParser.parse(["status"], presetCommand: nil)
        let fromEnvironment = try Configuration.resolve(bare.global, environment: ["TCADMIN_CONFIG": "", "TCADMIN_DB_PASSWORD": password])
        assertRedacted(fromEnvironment)
    }
}
