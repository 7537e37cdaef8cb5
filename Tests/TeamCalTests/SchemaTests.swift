import XCTest
@testable import TeamCal
import TestSupport

final class SchemaTests: XCTestCase {
    func testFiveThreeFixture() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql")])
        let schema = try Schema.detect(try db.connect(), prefix: "tcneo_")
        XCTAssertTrue(schema.hasLogIP)
        XCTAssertTrue(schema.hasOIDCSub)
        XCTAssertEqual(schema.versionGuess, "5.3 or later")
        XCTAssertEqual(schema.engines["users"], "MyISAM")
        XCTAssertFalse(schema.isTransactional)
        XCTAssertTrue(schema.optionUsernameCollation.hasSuffix("general_ci"))
    }

    func testFourXFixtureAndOtherPrefix() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-4.x.sql")], prefix: "tc4_")
        let schema = try Schema.detect(try db.connect(), prefix: "tc4_")
        XCTAssertFalse(schema.hasLogIP)
        XCTAssertFalse(schema.hasOIDCSub)
        XCTAssertEqual(schema.versionGuess, "4.x or earlier")
        XCTAssertEqual(schema.table("users"), "`tc4_users`")
        XCTAssertThrowsError(try Schema.detect(try db.connect(), prefix: "tcneo_"))
    }

    func testRealDump() throws {
        guard let dump = TestPaths.teamcalDump("basic.sql") else { throw XCTSkip("../shared/teamcal-neo is absent: real-dump test skipped") }
        let db = try TestServer.shared().createDatabase([dump])
        let schema = try Schema.detect(try db.connect(), prefix: "tcneo_")
        XCTAssertTrue(schema.hasOIDCSub && schema.hasLogIP)
        XCTAssertEqual(schema.engines.count, Schema.requiredTables.count + Schema.optionalTables.count)
    }

    func testNotTeamCal() throws {
        let db = try TestServer.shared().createDatabase([])
        try db.sql("CREATE TABLE wp_users (id INT)")
        XCTAssertThrowsError(try Schema.detect(try db.connect(), prefix: "tcneo_")) { error in
            XCTAssertTrue((error as! Schema.Failure).message.contains("not a TeamCal Neo database"))
        }
        XCTAssertThrowsError(try Schema.detect(try db.connect(), prefix: "x`; DROP TABLE y; --"))
    }
}

final class EnrollmentTests: XCTestCase {
    func testTheAppsRuleOnDemoData() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-5.3.sql"), TestPaths.sql("demo-data.sql")])
        try db.sql("INSERT INTO tcneo_users (username, lastname) VALUES ('Trail', 'Space'), ('ACCENT', 'x')")
        // Trailing space and accent/case differences: the app's general_ci lookup finds them.
        try db.sql("INSERT INTO tcneo_user_option (username, `option`, value) VALUES ('trail ', 'secret', 'x'), ('accént', 'secret', 'y')")
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        let index = try EnrollmentIndex(tc)
        var enrolled: [String: Bool] = [:]
        try tc.connection.query("SELECT username, \(tc.schema.lookupKey("username")) FROM tcneo_users") { row in
            enrolled[row.string(0)!] = row.withBytes(1) { index.contains($0!) }
        }
        XCTAssertEqual(enrolled["jdoe"], true)
        XCTAssertEqual(enrolled["asmith"], true)
        XCTAssertEqual(enrolled["MixedCase"], true, "stored as 'mixedcase'")
        XCTAssertEqual(enrolled["dprince"], false, "'' is not enrolled")
        XCTAssertEqual(enrolled["ezero"], false, "'0' is not enrolled")
        XCTAssertEqual(enrolled["ckent"], false)
        XCTAssertEqual(enrolled["corrupt"], true, "a truthy value counts for the app, decryptable or not")
        XCTAssertEqual(enrolled["Trail"], true)
        XCTAssertEqual(enrolled["ACCENT"], true)
        let counts = try UserCounts(tc, enrollment: index)
        XCTAssertEqual(counts.total, 18)
        XCTAssertEqual(counts.locked, 1)
        XCTAssertEqual(counts.hidden, 1)
        XCTAssertEqual(counts.enrolled, 10)
    }
}
