import XCTest
@testable import TCClock

final class NTPServerSpecTests: XCTestCase {
    private func parse(_ text: String) throws -> NTPServerSpec { try NTPServerSpec(parsing: text) }

    func testHostAndPortForms() throws {
        XCTAssertEqual(try parse("ntp.example.org"), NTPServerSpec(host: "ntp.example.org", port: 123))
        XCTAssertEqual(try parse("ntp.example.org:1123"), NTPServerSpec(host: "ntp.example.org", port: 1123))
        XCTAssertEqual(try parse("192.0.2.1"), NTPServerSpec(host: "192.0.2.1", port: 123))
        XCTAssertEqual(try parse("192.0.2.1:65535"), NTPServerSpec(host: "192.0.2.1", port: 65535))
        XCTAssertEqual(try parse("[2001:db8::1]:8123"), NTPServerSpec(host: "2001:db8::1", port: 8123))
        XCTAssertEqual(try parse("[::1]"), NTPServerSpec(host: "::1", port: 123))
        XCTAssertEqual(try parse("2001:db8::1"), NTPServerSpec(host: "2001:db8::1", port: 123))
        XCTAssertEqual(try parse("fe80::1%eth0"), NTPServerSpec(host: "fe80::1%eth0", port: 123))
        XCTAssertEqual(try parse("  ntp1 \n"), NTPServerSpec(host: "ntp1", port: 123))
    }

    func testBadSpecsSayWhatIsWrong() {
        let bad: [(String, String)] = [
            ("", "no host"), (":123", "no host"), ("[]:123", "no host"),
            ("host:", "port must be a number from 1 to 65535"),
            ("host:0", "port must be a number from 1 to 65535"),
            ("host:65536", "port must be a number from 1 to 65535"),
            ("host:+12", "port must be a number from 1 to 65535"),
            ("host:ntp", "port must be a number from 1 to 65535"),
            ("[::1", "missing ']'"), ("[::1]123", "expected ':PORT' after ']'"),
            ("a b", "invalid host"), ("http://x", "port must be a number from 1 to 65535"),
        ]
        for (text, problem) in bad {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertEqual((error as? NTPServerSpecError)?.problem, problem, text)
            }
        }
        XCTAssertThrowsError(try parse("h:x")) { error in
            XCTAssertEqual("\(error)", "invalid NTP server 'h:x': port must be a number from 1 to 65535"
                                        + " (expected HOST[:PORT] or [IPV6]:PORT)")
        }
    }

    func testDescriptionRoundTrips() throws {
        for text in ["ntp1", "ntp1:1123", "[2001:db8::1]:8123", "[2001:db8::1]", "192.0.2.1:9"] {
            XCTAssertEqual(try parse(text).description, text)
            XCTAssertEqual(try parse(try parse(text).description), try parse(text))
        }
    }
}
