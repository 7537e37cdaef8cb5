import XCTest
@testable import TeamCal
import TestSupport

final class DotEnvTests: XCTestCase {
    func testQuotingCommentsAndDuplicates() throws {
        let env = try DotEnv.parse("""
            # TeamCal Neo
            DB_HOST=localhost
            DB_PORT=
              export DB_NAME = tcneo   # trailing comment
            DB_USER='tc user'
            DB_PASS="p\\"a#ss\\\\word"
            DB_PREFIX=tcneo_
            DB_PREFIX=second_
            EMPTY_QUOTED=""
            HASH_IN_VALUE=abc#def
            MULTI="line1
            line2"
            WINDOWS=crlf\r
            """)
        XCTAssertEqual(env["DB_HOST"], "localhost")
        XCTAssertEqual(env["DB_PORT"], "")
        XCTAssertEqual(env["DB_NAME"], "tcneo")
        XCTAssertEqual(env["DB_USER"], "tc user")
        XCTAssertEqual(env["DB_PASS"], "p\"a#ss\\word")
        XCTAssertEqual(env["DB_PREFIX"], "second_")
        XCTAssertEqual(env["EMPTY_QUOTED"], "")
        XCTAssertEqual(env["HASH_IN_VALUE"], "abc#def")
        XCTAssertEqual(env["MULTI"], "line1\nline2")
        XCTAssertEqual(env["WINDOWS"], "crlf")
    }

    func testMalformedLinesNameTheLine() {
        XCTAssertThrowsError(try DotEnv.parse("A=1\nthis is not an assignment\n")) { error in
            XCTAssertEqual((error as! DotEnv.Failure).line, 2)
        }
        XCTAssertThrowsError(try DotEnv.parse("A=\"never closed\n")) { error in
            XCTAssertEqual((error as! DotEnv.Failure).line, 1)
        }
        XCTAssertThrowsError(try DotEnv.parse("1BAD=x"))
        XCTAssertThrowsError(try DotEnv.parse("A='x' trailing"))
    }
}

final class PHPConfigTests: XCTestCase {
    func testLiteralAssignmentsOnly() {
        let conf = PHPConfig.confAssignments("""
            <?php
            // $CONF['db_server'] = 'commented-out';
            # $CONF['db_user'] = 'also commented';
            /* $CONF['db_pass'] = 'block comment'; */
            if (isset($_ENV['DB_HOST'])) {
                $CONF['db_server'] = $_ENV['DB_HOST'];
                $CONF['db_name'] = $_ENV['DB_NAME'] ?? 'fallback';
            } else {
                $CONF['db_server'] = "db.example.org";
                $CONF['db_name'] = 'tc\\'neo';
                $CONF['db_user'] = "user$name";
                $CONF['db_pass'] = "pa\\$\\"s";
                $CONF['db_port'] = 3306;
                $CONF['db_table_prefix'] = 'tc' . 'neo_';
                $CONF [ 'db_socket' ] = '/run/mysqld/mysqld.sock' ;
            }
            system('rm -rf /'); $CONF['x'] = `id`;
            """)
        XCTAssertEqual(conf["db_server"], "db.example.org")
        XCTAssertEqual(conf["db_name"], "tc'neo")
        XCTAssertNil(conf["db_user"], "interpolating strings are not literals")
        XCTAssertEqual(conf["db_pass"], "pa$\"s")
        XCTAssertNil(conf["db_port"], "numbers are not string literals")
        XCTAssertNil(conf["db_table_prefix"], "expressions are not read")
        XCTAssertEqual(conf["db_socket"], "/run/mysqld/mysqld.sock")
        XCTAssertNil(conf["x"])
    }

    func testDefineEitherQuoteStyle() {
        XCTAssertEqual(PHPConfig.defines("<?php define('APP_LIC_KEY', \"5e091d9b9cbf36.90197318\");")["APP_LIC_KEY"], "5e091d9b9cbf36.90197318")
        XCTAssertEqual(PHPConfig.defines("<?php\nDEFINE ( \"APP_LIC_KEY\" , 'k\\'ey' ) ;")["APP_LIC_KEY"], "k'ey")
        XCTAssertNil(PHPConfig.defines("<?php // define('APP_LIC_KEY', 'x');")["APP_LIC_KEY"])
        XCTAssertNil(PHPConfig.defines("<?php define('APP_LIC_KEY', getenv('KEY'));")["APP_LIC_KEY"])
        XCTAssertNil(PHPConfig.defines("<?php define('APP_LIC_KEY', 'unterminated);")["APP_LIC_KEY"])
    }

    func testNeverCrashesOnGarbage() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("$CONF['\"]=;()/*#\\ define\n{}x")
        for _ in 0..<2000 {
            let s = String((0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            _ = PHPConfig.confAssignments(s)
            _ = PHPConfig.defines(s)
            _ = try? DotEnv.parse(s)
        }
    }
}

final class InstallFolderTests: XCTestCase {
    func testFiveXFolderReadsDotEnvAndKey() throws {
        let app = try TestAppDir(env: "DB_HOST=db\nDB_PORT=3307\nDB_NAME=tc\nDB_USER=u\nDB_PASS='p w'\nDB_PREFIX=x_\nOIDC_YES=1\n")
        let folder = try InstallFolder.read(app.path)
        XCTAssertEqual(folder.databaseSource, ".env")
        XCTAssertEqual(folder.database, .init(host: "db", port: "3307", socket: nil, name: "tc", user: "u", password: "p w", prefix: "x_"))
        XCTAssertTrue(folder.oidcEnabled)
        XCTAssertEqual(try folder.installationKeyText(), "5e091d9b9cbf36.90197318")
    }

    func testOlderFolderReadsConfigDbPHP() throws {
        let php = "<?php\n$CONF['db_server'] = 'localhost';\n$CONF['db_name'] = \"tcneo\";\n$CONF['db_user'] = 'tc';\n$CONF['db_pass'] = 'secret';\n$CONF['db_table_prefix'] = 'tcneo_';\n"
        let app = try TestAppDir(env: nil, dbPHP: php, appKey: nil)
        let folder = try InstallFolder.read(app.path)
        XCTAssertEqual(folder.databaseSource, "config/config.db.php")
        XCTAssertEqual(folder.database.name, "tcneo")
        XCTAssertEqual(folder.database.password, "secret")
        XCTAssertNil(try folder.installationKeyText())
    }

    func testMissingOrEmptyFolder() throws {
        XCTAssertThrowsError(try InstallFolder.read("/nonexistent/teamcal"))
        let empty = try TestAppDir(env: nil, appKey: nil)
        XCTAssertThrowsError(try InstallFolder.read(empty.path)) { error in
            XCTAssertTrue((error as! InstallFolder.Failure).message.contains("neither .env nor config/config.db.php"))
        }
    }
}
