import XCTest
import Foundation
import TestSupport

/// TLS to the database, through the built binary, against the private server (its
/// certificate is from the test CA and names 127.0.0.1 only) and a fake server that does
/// not offer TLS at all.
final class TLSCLITests: XCTestCase {
    var db: TestDatabase!
    var server: TestServer!
    var ca: String { server.tlsDir + "/ca.pem" }
    var otherCA: String { server.tlsDir + "/other-ca.pem" }

    override func setUpWithError() throws {
        server = try TestServer.shared()
        db = try server.createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
    }

    /// `status --format json` as the REQUIRE SSL account over TCP.
    func status(host: String = "127.0.0.1", user: String = "tctls", _ tls: [String]) throws -> Shell.Result {
        try TCAdminBinary.run(["--host", host, "--port", String(server.port), "--user", user, "--database", db.name]
                              + tls + ["status", "--format", "json"], environment: db.cliEnvironment)
    }

    func tlsCipher(_ r: Shell.Result) throws -> String? {
        let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
        return (j["database"] as? [String: Any])?["tls_cipher"] as? String
    }

    func ipv6Loopback() throws {
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        defer { if probe >= 0 { close(probe) } }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        let ok = probe >= 0 && withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        } == 0
        if !ok { throw XCTSkip("no IPv6 loopback here: the ::1 cases are skipped") }
    }

    func testEncryptedModesConnectAndSayWhichCipher() throws {
        for tls in [["--ssl-mode", "required"], ["--ssl-mode", "verify-ca", "--ssl-ca", ca],
                    ["--ssl-mode", "verify-identity", "--ssl-ca", ca], ["--ssl-mode", "preferred"]] {
            let r = try status(tls)
            XCTAssertEqual(r.status, 0, "\(tls): \(r.stderr)")
            XCTAssertNotNil(try tlsCipher(r), "\(tls)")
        }
    }

    func testAnAccountThatRequiresTLSIsRefusedWithoutIt() throws {
        for (host, extra) in [("127.0.0.1", []), ("localhost", ["--socket", server.socket])] {
            let r = try TCAdminBinary.run(["--host", host, "--port", String(server.port), "--user", "tctls", "--database", db.name, "--ssl-mode", "disabled"]
                                          + extra + ["status"], environment: db.cliEnvironment)
            XCTAssertEqual(r.status, 77, r.stderr)
            XCTAssertTrue(r.stderr.contains("access denied for database user 'tctls'"), r.stderr)
            XCTAssertTrue(r.stderr.contains("requires TLS"), "the hint names the likely cause: \(r.stderr)")
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
        }
    }

    func testCertificateFromAnotherCAIsRefused() throws {
        for mode in ["verify-ca", "verify-identity"] {
            let r = try status(["--ssl-mode", mode, "--ssl-ca", otherCA])
            XCTAssertEqual(r.status, 69, "\(mode): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("Error: TLS to 127.0.0.1:\(server.port) failed: "), r.stderr)
            XCTAssertTrue(r.stderr.contains("check --ssl-mode and --ssl-ca"), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        // Without --ssl-ca the system's CAs are used: the test CA is not among them.
        let r = try status(["--ssl-mode", "verify-ca"])
        XCTAssertEqual(r.status, 69, r.stderr)
    }

    func testCertificateForAnotherHostIsRefusedByVerifyIdentityOnly() throws {
        try ipv6Loopback()
        // The certificate names 127.0.0.1; ::1 is the same server under another name.
        var r = try status(host: "::1", ["--ssl-mode", "verify-identity", "--ssl-ca", ca])
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("Error: TLS to [::1]:\(server.port) failed: "), r.stderr)
        r = try status(host: "::1", ["--ssl-mode", "verify-ca", "--ssl-ca", ca])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNotNil(try tlsCipher(r))
    }

    func testUnreadableCAIsAConfigurationError() throws {
        for ca in ["/nonexistent/ca.pem", "/root/../nonexistent"] {
            let r = try status(["--ssl-mode", "verify-ca", "--ssl-ca", ca])
            XCTAssertEqual(r.status, 78, r.stderr)
            XCTAssertTrue(r.stderr.contains("cannot read the CA file \(ca) — check --ssl-ca"), r.stderr)
        }
        let bogus = NSTemporaryDirectory() + "tcadmin-bogus-ca-" + UUID().uuidString
        try "not a certificate\n".write(toFile: bogus, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bogus) }
        let r = try status(["--ssl-mode", "verify-ca", "--ssl-ca", bogus])
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertTrue(r.stderr.contains("TLS to 127.0.0.1"), r.stderr)
    }

    /// Against a server that offers no TLS, verify-identity refuses before sending anything.
    /// required and verify-ca refuse too, but Connector/C has sent the login packet by then
    /// (user name and a challenge response, never the password): SECURITY.md says so.
    func testRequiredModesRefuseAServerWithoutTLS() throws {
        for tls in [["--ssl-mode", "required"], ["--ssl-mode", "verify-ca", "--ssl-ca", ca], ["--ssl-mode", "verify-identity", "--ssl-ca", ca]] {
            let fake = try FakeMySQLServer()
            defer { fake.stop() }
            let r = try TCAdminBinary.run(["--host", "127.0.0.1", "--port", String(fake.port), "--user", "tcadmin", "--database", "tct_x"]
                                          + tls + ["status"], environment: ["TCADMIN_DB_PASSWORD": "plaintext-canary"])
            XCTAssertEqual(r.status, 69, "\(tls): \(r.stderr)")
            XCTAssertEqual(fake.connectionCount, 1)
            XCTAssertFalse(String(decoding: fake.receivedBytes, as: UTF8.self).contains("plaintext-canary"), "\(tls)")
            if tls[1] == "verify-identity" {
                XCTAssertEqual(fake.receivedBytes, [], "verify-identity sends nothing in plaintext")
                XCTAssertTrue(r.stderr.hasPrefix("Error: TLS to 127.0.0.1:\(fake.port) failed: "), r.stderr)
            }
        }
    }

    /// A server (or a man in the middle) that asks for the password in clear text after the
    /// login gets a refusal, in every mode that does not verify the server's name.
    func testThePasswordItselfIsNeverSentToAnUnverifiedServer() throws {
        for mode in ["disabled", "preferred", "required", "verify-ca"] {
            let fake = try FakeMySQLServer(askForCleartextPassword: true)
            defer { fake.stop() }
            var args = ["--host", "127.0.0.1", "--port", String(fake.port), "--user", "tcadmin", "--database", "tct_x", "--ssl-mode", mode]
            if mode == "verify-ca" { args += ["--ssl-ca", ca] }
            let r = try TCAdminBinary.run(args + ["status"], environment: ["TCADMIN_DB_PASSWORD": "plaintext-canary"])
            XCTAssertEqual(r.status, 69, "\(mode): \(r.stderr)")
            XCTAssertFalse(String(decoding: fake.receivedBytes, as: UTF8.self).contains("plaintext-canary"), "\(mode): the password was sent")
            XCTAssertTrue(r.stderr.hasPrefix("Error: the server at 127.0.0.1:\(fake.port) asked to be sent the password itself"), "\(mode): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--ssl-mode verify-identity"), r.stderr)
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
        }
    }
}
