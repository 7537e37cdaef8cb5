import XCTest
@testable import TCAdminCLI

/// tcadmin's config file and MariaDB option files, parsed from text (the fuzzers' entry points).
final class SettingsFileParsingTests: XCTestCase {
    func testConfigFileOddButValid() throws {
        let values = try Configuration.parseConfigFile("""
            # comment\r
            ; also a comment\r
            [tcadmin]\r
              host   =   db.example.org   \r
            ssl-mode = "verify-identity"\r
            key-file = '/etc/tcadmin/key file'\r
            prefix = "\u{301}x"\r
            prefix =\u{301}y\r
            user = "unbalanced'\r
            """, path: "t.conf")
        XCTAssertEqual(values["host"], "db.example.org")
        XCTAssertEqual(values["ssl-mode"], "verify-identity")
        XCTAssertEqual(values["key-file"], "/etc/tcadmin/key file")
        XCTAssertEqual(values["prefix"], "\u{301}y", "the last wins; a combining mark after = does not hide it")
        XCTAssertEqual(values["user"], "\"unbalanced'")
    }

    func testConfigFileRefusalsNameTheLineNotTheValue() {
        for (text, message) in [("password = s3cr3t", "line 1: no passwords in the config file"),
                                ("\n\nhost", "line 3: expected 'key = value'"),
                                ("pasword = s3cr3t", "line 1: unknown setting 'pasword'")] {
            XCTAssertThrowsError(try Configuration.parseConfigFile(text, path: "t.conf")) { error in
                let failure = error as! CLIError
                XCTAssertEqual(failure.code, .configuration)
                XCTAssertTrue(failure.message.contains(message), failure.message)
                XCTAssertFalse(failure.message.contains("s3cr3t"), failure.message)
            }
        }
    }

    func testOptionFileGroupsQuotesAndFlags() {
        let values = Configuration.parseDefaultsFile("""
            [mysqld]\r
            port=1\r
            [client]\r
            ssl_verify_server_cert\r
            password = "p=w \u{301}"\r
            !include /etc/other.cnf\r
            [client-mariadb]\r
            SOCKET='/run/mysqld/mysqld.sock'\r
            [mysqldump]\r
            user=dump\r
            """)
        XCTAssertEqual(values["ssl-verify-server-cert"], "1")
        XCTAssertEqual(values["password"], "p=w \u{301}")
        XCTAssertEqual(values["socket"], "/run/mysqld/mysqld.sock")
        XCTAssertNil(values["port"])
        XCTAssertNil(values["user"])
    }
}
