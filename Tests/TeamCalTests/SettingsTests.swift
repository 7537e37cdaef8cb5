import XCTest
@testable import TeamCal
import TestSupport

/// Writing `config` rows and the rules of `force-2fa` (SPEC §2.3).
final class SettingsTests: XCTestCase {
    typealias Write = ForceTfaPlan.Write

    func testPlanFollowsTheAppsSettingsPage() throws {
        let off = TwoFactorSettings(forceTfa: "0", disableTfa: "0")
        XCTAssertEqual(try ForceTfaPlan.make(off, forceOn: true, enableFeature: false).writes,
                       [Write(name: "forceTfa", from: "0", to: "1")])
        XCTAssertEqual(try ForceTfaPlan.make(off, forceOn: false, enableFeature: false).writes, [])

        let on = TwoFactorSettings(forceTfa: "1", disableTfa: "0")
        XCTAssertTrue(try ForceTfaPlan.make(on, forceOn: true, enableFeature: false).changesNothing)
        XCTAssertEqual(try ForceTfaPlan.make(on, forceOn: false, enableFeature: false).writes,
                       [Write(name: "forceTfa", from: "1", to: "0")])

        // Missing rows read as '0'; writing creates them.
        let missing = TwoFactorSettings(forceTfa: nil, disableTfa: nil)
        XCTAssertFalse(missing.isForced || missing.isFeatureDisabled)
        XCTAssertEqual(try ForceTfaPlan.make(missing, forceOn: true, enableFeature: false).writes,
                       [Write(name: "forceTfa", from: nil, to: "1")])

        // The feature is off: refused (redirect loop) unless it is switched on first.
        let disabled = TwoFactorSettings(forceTfa: "0", disableTfa: "1")
        XCTAssertThrowsError(try ForceTfaPlan.make(disabled, forceOn: true, enableFeature: false)) { error in
            XCTAssertEqual(error as? ForceTfaPlan.Refusal, .featureDisabled(value: "1"))
        }
        XCTAssertEqual(try ForceTfaPlan.make(disabled, forceOn: true, enableFeature: true).writes,
                       [Write(name: "disableTfa", from: "1", to: "0"), Write(name: "forceTfa", from: "0", to: "1")])
        XCTAssertEqual(try ForceTfaPlan.make(disabled, forceOn: false, enableFeature: false).writes, [])
        // Both on (written behind the app's back): 'on' still refuses until the feature is on.
        XCTAssertThrowsError(try ForceTfaPlan.make(TwoFactorSettings(forceTfa: "1", disableTfa: "1"), forceOn: true, enableFeature: false))
    }

    func testWriteSettingUpdatesOrCreatesTheRow() throws {
        let db = try TestServer.shared().createDatabase([TestPaths.sql("schema-4.x.sql")])
        let tc = try TeamCalDatabase(connection: try db.connect(), prefix: "tcneo_")
        XCTAssertEqual(try TwoFactorSettings(tc), TwoFactorSettings(forceTfa: nil, disableTfa: nil))
        XCTAssertNil(try tc.writeSetting("forceTfa", "1"), "created")
        XCTAssertEqual(try tc.writeSetting("forceTfa", "0"), "1", "updated")
        XCTAssertEqual(try db.sql("SELECT name, value FROM tcneo_config WHERE name LIKE '%Tfa'"), "forceTfa\t0\n")
        XCTAssertEqual(try tc.writeSetting("forceTfa", "0"), "0", "an unchanged value is fine")
    }
}
