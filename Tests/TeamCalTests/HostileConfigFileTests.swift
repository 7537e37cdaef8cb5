import XCTest
import Foundation
@testable import TeamCal
import TestSupport

/// The app's own files, written oddly or with hostile intent: read the way PHP and phpdotenv
/// read them, never executed, never a crash, and fast on very large files.
final class HostileDotEnvTests: XCTestCase {
    func testWindowsAndOldMacLineEndings() throws {
        let env = try DotEnv.parse("DB_HOST=localhost\r\nDB_NAME=tcneo\r\nDB_PASS='p w'\r\n# comment\r\nDB_USER=\"tc\"\r\nMULTI=\"a\r\nb\"\r\nCR_ONLY=1\rNEXT=2\r\n")
        XCTAssertEqual(env["DB_HOST"], "localhost")
        XCTAssertEqual(env["DB_NAME"], "tcneo")
        XCTAssertEqual(env["DB_PASS"], "p w")
        XCTAssertEqual(env["DB_USER"], "tc")
        XCTAssertEqual(env["MULTI"], "a\nb")
        XCTAssertEqual(env["CR_ONLY"], "1")
        XCTAssertEqual(env["NEXT"], "2")
    }

    func testOddQuotingEscapesAndComments() throws {
        let env = try DotEnv.parse(#"""
            SINGLE='no \n escape, no $expansion, "double" inside'
            DOUBLE="tab\there \"q\" \\ \$HOME"
            UNKNOWN_ESCAPE="a\qb"
            HASH_QUOTED="# not a comment"
            HASH_AFTER='v' # comment
            SPACES_AROUND  =   spaced value   # comment
            EMPTY=
            EMPTY_SINGLE=''
            EQUALS=a=b==c
            UNICODE="pässwörd ✓ 日本"
            BACKTICK=`id`
            DOLLAR=$(touch /tmp/never)
            DOTTED.KEY=ok
            export EXPORTED="yes"
            """#)
        XCTAssertEqual(env["SINGLE"], #"no \n escape, no $expansion, "double" inside"#)
        XCTAssertEqual(env["DOUBLE"], "tab\there \"q\" \\ $HOME")
        XCTAssertEqual(env["UNKNOWN_ESCAPE"], #"a\qb"#)
        XCTAssertEqual(env["HASH_QUOTED"], "# not a comment")
        XCTAssertEqual(env["HASH_AFTER"], "v")
        XCTAssertEqual(env["SPACES_AROUND"], "spaced value")
        XCTAssertEqual(env["EMPTY"], "")
        XCTAssertEqual(env["EMPTY_SINGLE"], "")
        XCTAssertEqual(env["EQUALS"], "a=b==c")
        XCTAssertEqual(env["UNICODE"], "pässwörd ✓ 日本")
        XCTAssertEqual(env["BACKTICK"], "`id`", "taken literally, never run")
        XCTAssertEqual(env["DOLLAR"], "$(touch /tmp/never)")
        XCTAssertEqual(env["DOTTED.KEY"], "ok")
        XCTAssertEqual(env["EXPORTED"], "yes")
    }

    /// The class of bug FuzzPHPConfig found in the PHP reader, here too: to Swift a quote
    /// followed by a combining mark is one Character, which hid the quote. FuzzDotEnv finds
    /// it in the Character-based reader within seconds (Fuzz/Regressions/FuzzDotEnv).
    func testCombiningMarkAfterAQuote() throws {
        let regression = try DotEnv.parse("FIRST=1\r\nFUZZ='\u{6E3}V'\r\nNEXT=2\r\n")
        XCTAssertEqual(regression, ["FIRST": "1", "FUZZ": "\u{6E3}V", "NEXT": "2"])
        let env = try DotEnv.parse("A='\u{301}x'\nB=\"\u{65B}g\"\nC=\u{301}\n")
        XCTAssertEqual(env["A"], "\u{301}x")
        XCTAssertEqual(env["B"], "\u{65B}g")
        XCTAssertEqual(env["C"], "\u{301}")
        XCTAssertThrowsError(try DotEnv.parse("D='v'\u{301}\n"), "text after the closing quote")
    }

    func testDuplicateKeysLastWins() throws {
        let env = try DotEnv.parse("DB_NAME=first\nDB_NAME='second'\n#DB_NAME=commented\nDB_NAME=\"third\"\n")
        XCTAssertEqual(env["DB_NAME"], "third")
    }

    func testMalformedFilesAreRefusedWithTheLineNotTheValue() {
        let cases: [(String, Int)] = [
            ("DB_PASS=\"s3cr3t-never-closed\nDB_NAME=x\n", 1),
            ("DB_NAME=x\nDB_PASS='s3cr3t' trailing\n", 2),
            ("DB_NAME=x\n\nnot an assignment s3cr3t\n", 3),
            ("DB PASS=s3cr3t\n", 1),
            ("=s3cr3t\n", 1),
            ("DB_PASS\u{0}=s3cr3t\n", 1),
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try DotEnv.parse(text), text.debugDescription) { error in
                let failure = error as! DotEnv.Failure
                XCTAssertEqual(failure.line, line, text.debugDescription)
                XCTAssertFalse(failure.reason.contains("s3cr3t"), "the value is not echoed: \(failure.reason)")
            }
        }
    }

    func testNULAndInvalidUTF8DoNotCrash() throws {
        let env = try DotEnv.parse("DB_PASS=a\u{0}b\nDB_NAME=\u{FFFD}\u{FFFD}\n")
        XCTAssertEqual(env["DB_PASS"], "a\u{0}b")
        let bytes: [UInt8] = Array("DB_USER=".utf8) + [0xFF, 0xFE, 0xC3] + Array("\nDB_NAME=ok\n".utf8)
        XCTAssertEqual(try DotEnv.parse(String(decoding: bytes, as: UTF8.self))["DB_NAME"], "ok")
    }

    func testFiveMegabyteFilesAreReadQuickly() throws {
        var text = "DB_NAME=big\n"
        let line = "# " + String(repeating: "padding ", count: 12) + "\nFILLER_KEY=" + String(repeating: "v", count: 100) + "\n"
        while text.utf8.count < 5 << 20 { text += line }
        text += "DB_PASS='last'\n"
        var start = Date()
        let env = try DotEnv.parse(text)
        XCTAssertEqual(env["DB_NAME"], "big")
        XCTAssertEqual(env["DB_PASS"], "last")
        XCTAssertLessThan(Date().timeIntervalSince(start), 60, "linear, not a hang (debug build)")
        // One 5 MB quoted value that never closes: refused, not a hang.
        start = Date()
        XCTAssertThrowsError(try DotEnv.parse("DB_PASS=\"" + String(repeating: "x\n", count: 5 << 19)))
        XCTAssertLessThan(Date().timeIntervalSince(start), 60, "linear, not a hang (debug build)")
    }
}

final class HostilePHPConfigTests: XCTestCase {
    func testPHPCodeIsNeverRunAndOnlyLiteralsAreRead() throws {
        let marker = NSTemporaryDirectory() + "pwned-" + UUID().uuidString
        let source = """
            <?php system('touch \(marker)'); $CONF['db_name']='x';
            exec("touch \(marker)"); `touch \(marker)`; passthru('touch ' . '\(marker)');
            $CONF['db_user'] = shell_exec('touch \(marker)');
            eval('$CONF["db_pass"] = "from-eval";');
            include '/etc/passwd';
            $CONF['db_table_prefix'] = 'tc_';
            """
        let conf = PHPConfig.confAssignments(source)
        XCTAssertEqual(conf["db_name"], "x")
        XCTAssertNil(conf["db_user"])
        XCTAssertNil(conf["db_pass"], "a string handed to eval is not an assignment")
        XCTAssertEqual(conf["db_table_prefix"], "tc_")
        // Through the whole folder reader too.
        let app = try TestAppDir(env: nil, dbPHP: source, appKey: nil)
        try "<?php system('touch \(marker)'); define('APP_LIC_KEY', 'k3y');".write(toFile: app.file("config/config.app.php"), atomically: true, encoding: .utf8)
        let folder = try InstallFolder.read(app.path)
        XCTAssertEqual(folder.database.name, "x")
        XCTAssertEqual(try folder.installationKeyText(), "k3y")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "PHP was executed")
    }

    /// Found by FuzzPHPConfig (Fuzz/Regressions/FuzzPHPConfig/combining-mark-after-quote):
    /// the tokenizer read Characters, so a quote followed by a combining mark was not a quote.
    func testCombiningMarkAfterAQuote() {
        let value = String(decoding: [0xD9, 0x9B, 0x67, 0xD9, 0x24, 0x7F, 0x9B] as [UInt8], as: UTF8.self)
        let source = "<?php\n$CONF['fuzz'] = '\(value)';\ndefine('FUZZ', '\(value)');\n"
        XCTAssertEqual(PHPConfig.confAssignments(source)["fuzz"], value)
        XCTAssertEqual(PHPConfig.defines(source)["FUZZ"], value)
        XCTAssertEqual(PHPConfig.confAssignments("<?php $CONF['db_name'] = \"\u{301}tc\";")["db_name"], "\u{301}tc")
    }

    func testWindowsLineEndingsAfterLineComments() {
        let conf = PHPConfig.confAssignments("<?php\r\n// database\r\n$CONF['db_name'] = 'tcneo';\r\n# user\r\n$CONF['db_user'] = \"tc\";\r\n")
        XCTAssertEqual(conf["db_name"], "tcneo")
        XCTAssertEqual(conf["db_user"], "tc")
        XCTAssertEqual(PHPConfig.defines("<?php\r\n// key\r\ndefine('APP_LIC_KEY', 'k');\r\n")["APP_LIC_KEY"], "k")
    }

    func testTextOutsidePHPTagsIsNotCode() {
        let conf = PHPConfig.confAssignments("""
            $CONF['db_name'] = 'before-the-open-tag';
            <?php $CONF['db_name'] = 'real'; $CONF['db_user'] = 'u' ?>
            Example for the docs: $CONF['db_name'] = 'inline-html';
            <?php
            $CONF['db_pass'] = 'p';
            """)
        XCTAssertEqual(conf["db_name"], "real")
        XCTAssertEqual(conf["db_user"], "u", "?> ends a statement as ; does")
        XCTAssertEqual(conf["db_pass"], "p")
        XCTAssertTrue(PHPConfig.confAssignments("$CONF['db_name'] = 'x';").isEmpty, "no <?php: nothing is PHP")
        XCTAssertEqual(PHPConfig.defines("<?PHP define('APP_LIC_KEY', 'upper');")["APP_LIC_KEY"], "upper")
    }

    func testHeredocsAndNowdocsAreStringsNotCode() {
        let conf = PHPConfig.confAssignments("""
            <?php
            $help = <<<EOT
            $CONF['db_name'] = 'inside-heredoc';
            EOT;
            $more = <<<'TXT'
              $CONF['db_user'] = 'inside-nowdoc';
              TXT;
            $CONF['db_pass'] = 'after';
            """)
        XCTAssertNil(conf["db_name"])
        XCTAssertNil(conf["db_user"])
        XCTAssertEqual(conf["db_pass"], "after")
    }

    func testMethodsNamedDefineAreNotDefine() {
        let defines = PHPConfig.defines("""
            <?php
            $cfg->define('APP_LIC_KEY', 'method');
            Config::define('APP_LIC_KEY', 'static');
            function define2() {}
            define('APP_LIC_KEY', 'real');
            $x->define('APP_LIC_KEY', 'method-after');
            """)
        XCTAssertEqual(defines["APP_LIC_KEY"], "real")
    }

    func testOddQuotingAndDuplicates() {
        let conf = PHPConfig.confAssignments(#"""
            <?php
            $CONF['db_pass'] = 'it\'s \\ \n raw';
            $CONF["db_user"] = "tab\t \"q\" \$notvar";
            $CONF['db_name'] = 'first';
            $CONF['db_name'] = 'second';
            $CONF['db_server'] = "{$host}";
            $CONF['db_socket'] = "\x2f";
            $CONF['db_port'] = '3306' . '';
            $conf['db_table_prefix'] = 'wrong-case-variable';
            """#)
        XCTAssertEqual(conf["db_pass"], #"it's \ \n raw"#)
        XCTAssertEqual(conf["db_user"], "tab\t \"q\" $notvar")
        XCTAssertEqual(conf["db_name"], "second")
        XCTAssertNil(conf["db_server"])
        XCTAssertNil(conf["db_socket"])
        XCTAssertNil(conf["db_port"])
        XCTAssertNil(conf["db_table_prefix"], "PHP variables are case-sensitive")
    }

    func testFiveMegabytesOfPHPAreReadQuickly() {
        var text = "<?php\n"
        let block = "/* " + String(repeating: "comment ", count: 10) + "*/\n$x['k'] = 'value';\n// line comment\n"
        while text.utf8.count < 5 << 20 { text += block }
        text += "$CONF['db_name'] = 'end';\n"
        let start = Date()
        XCTAssertEqual(PHPConfig.confAssignments(text)["db_name"], "end")
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
        // Unterminated constructs at the end of a huge file.
        for tail in ["/* never closed", "'never closed", "\"never closed", "<<<EOT\nnever closed", "// no newline"] {
            _ = PHPConfig.confAssignments(String(repeating: "$CONF['a'] = 'b';\n", count: 10_000) + tail)
        }
    }
}

final class TextFileTests: XCTestCase {
    func testLinesSplitLikePHP() {
        XCTAssertEqual(TextFile.lines("a\nb\r\nc\rd"), ["a", "b", "c", "d"])
        XCTAssertEqual(TextFile.lines("a\r\n\r\nb\n"), ["a", "", "b", ""])
        XCTAssertEqual(TextFile.lines(""), [""])
        XCTAssertEqual(TextFile.lines("é\r\n日本\r"), ["é", "日本", ""])
    }

    func testFirstLineStopsAtTheLineEnd() throws {
        let path = NSTemporaryDirectory() + "tcadmin-textfile-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (contents, first) in [("pw\r\nrest", "pw"), ("pw\rrest", "pw"), ("pw", "pw"), ("", ""), ("\nsecond", "")] {
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertEqual(try TextFile.firstLine(path), first, contents.debugDescription)
        }
        XCTAssertThrowsError(try TextFile.firstLine("/dev/zero")) { XCTAssertEqual(($0 as! TextFile.Failure).kind, .tooLarge) }
        XCTAssertThrowsError(try TextFile.read("/dev/zero", limit: 1 << 20)) { XCTAssertEqual(($0 as! TextFile.Failure).kind, .tooLarge) }
        XCTAssertThrowsError(try TextFile.read("/")) { XCTAssertEqual(($0 as! TextFile.Failure).kind, .isDirectory) }
        XCTAssertThrowsError(try TextFile.read("/nonexistent/file")) { XCTAssertEqual(($0 as! TextFile.Failure).errno, ENOENT) }
    }
}
