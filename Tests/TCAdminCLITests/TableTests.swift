import XCTest
@testable import TCAdminCLI

/// Display width and aligned tables: what a terminal shows, not how many characters.
final class TableTests: XCTestCase {
    func testDisplayWidth() {
        XCTAssertEqual(displayWidth("jdoe"), 4)
        XCTAssertEqual(displayWidth(""), 0)
        XCTAssertEqual(displayWidth("Jürgen"), 6)                 // precomposed ü
        XCTAssertEqual(displayWidth("Ju\u{308}rgen"), 6)          // u + combining diaeresis
        XCTAssertEqual(displayWidth("e\u{301}"), 1)
        XCTAssertEqual(displayWidth("山田"), 4)                     // CJK: two cells each
        XCTAssertEqual(displayWidth("山田 太郎"), 9)
        XCTAssertEqual(displayWidth("ｔｃ"), 4)                     // fullwidth Latin
        XCTAssertEqual(displayWidth("김민준"), 6)                   // Hangul syllables
        XCTAssertEqual(displayWidth("\u{1100}\u{1161}"), 2)        // conjoining jamo: one syllable
        XCTAssertEqual(displayWidth("ｶﾀｶﾅ"), 4)                     // halfwidth katakana: one each
        XCTAssertEqual(displayWidth("a\u{200B}b"), 2)              // zero-width space
        XCTAssertEqual(displayWidth("👍"), 2)
        XCTAssertEqual(displayWidth("👩‍💻"), 2)                      // ZWJ sequence: one picture
        XCTAssertEqual(displayWidth("Ωμέγα"), 5)
    }

    func testColumnsAlignByDisplayWidth() {
        var table = Table(["USER", "NAME", "LOGINS"])
        table.align("LOGINS", .right)
        table.append(["jdoe", "John Doe", "12"])
        table.append(["müller", "Jürgen Müller", "3"])
        table.append(["yamada", "山田 太郎", "140"])
        table.append(["rene", "Rene\u{301}e", "7"])
        XCTAssertEqual(table.lines(), [
            "USER    NAME           LOGINS",
            "jdoe    John Doe           12",
            "müller  Jürgen Müller       3",
            "yamada  山田 太郎         140",
            "rene    Renée               7",
        ])
        // Every line ends at the same terminal column.
        XCTAssertEqual(Set(table.lines().map(displayWidth)).count, 1)
    }

    func testLastLeftColumnIsNotPaddedAndMissingCellsAreBlank() {
        var table = Table(["USER", "GROUPS"])
        table.append(["jdoe", "Sales"])
        table.append(["ckent"])
        table.append(["a", "b", "dropped"])
        XCTAssertEqual(table.lines(), ["USER   GROUPS", "jdoe   Sales", "ckent", "a      b"])
        XCTAssertEqual(table.rendered(), "USER   GROUPS\njdoe   Sales\nckent\na      b\n")
    }

    func testHeaderStyleDoesNotCountTowardsWidthAndCanBeHidden() {
        var table = Table(["A", "B"])
        table.append(["xx", "y"])
        XCTAssertEqual(table.lines(header: { "<\($0)>" }), ["<A   B>", "xx  y"])
        table.showsHeader = false
        XCTAssertEqual(table.lines(), ["xx  y"])
        XCTAssertEqual(Table(["A"]).lines(), ["A"])
    }

    func testTruncationByDisplayWidth() {
        XCTAssertEqual(Table.truncate("abcdef", toWidth: 4), "abc…")
        XCTAssertEqual(Table.truncate("abcd", toWidth: 4), "abcd")
        XCTAssertEqual(Table.truncate("山田太郎", toWidth: 5), "山田…")   // never half a wide character
        XCTAssertEqual(Table.truncate("山田太郎", toWidth: 0), "")
        var table = Table(columns: [Table.Column("NAME", maxWidth: 6), Table.Column("X")])
        table.append(["Jürgen Müller", "1"])
        XCTAssertEqual(table.lines(), ["NAME    X", "Jürge…  1"])
    }

    func testHostileCellsAreMadeVisible() {
        XCTAssertEqual(Table.printable("jdoe"), "jdoe")
        XCTAssertEqual(Table.printable("evil\u{1B}[2Jname"), "evil\\u{1B}[2Jname")
        XCTAssertEqual(Table.printable("a\nb\tc"), "a\\u{A}b\\u{9}c")
        XCTAssertEqual(Table.printable("admin\u{202E}txt"), "admin\\u{202E}txt")
        XCTAssertEqual(Table.printable("müller 山田"), "müller 山田")
        var table = Table(["USER", "X"])
        table.append(["x\u{1B}]0;pwned\u{7}", "1"])
        XCTAssertFalse(table.rendered().contains("\u{1B}"))
    }
}

/// Colour is decided per stream: a terminal, no NO_COLOR, no TERM=dumb, no --no-color.
final class ConsoleColorTests: XCTestCase {
    func console(out: Bool, err: Bool, environment: [String: String] = [:]) -> Console {
        let allowed = Console.colorAllowed(environment)
        return Console(outIsTerminal: out, errIsTerminal: err, inIsTerminal: false,
                       color: err && allowed, outColor: out && allowed,
                       writeOut: { _ in }, writeErr: { _ in }, readLine: { _ in nil })
    }

    func testEachStreamGetsColourOnlyWhenItIsATerminal() {
        let c = console(out: false, err: true)
        XCTAssertEqual(c.paint("x", .red), "\u{1B}[31mx\u{1B}[0m")
        XCTAssertEqual(c.paint("x", .bold, on: .stdout), "x")
        let d = console(out: true, err: false)
        XCTAssertEqual(d.paint("x", .red), "x")
        XCTAssertEqual(d.paint("x", .bold, on: .stdout), "\u{1B}[1mx\u{1B}[0m")
    }

    func testNoColorAndDumbTerminalAndTheFlag() {
        XCTAssertFalse(Console.colorAllowed(["NO_COLOR": "1"]))
        XCTAssertFalse(Console.colorAllowed(["NO_COLOR": "0"]), "any value counts, as no-color.org says")
        XCTAssertTrue(Console.colorAllowed(["NO_COLOR": ""]), "an empty NO_COLOR does not")
        XCTAssertFalse(Console.colorAllowed(["TERM": "dumb"]))
        let c = console(out: true, err: true, environment: ["NO_COLOR": "yes"])
        XCTAssertEqual(c.paint("x", .red) + c.paint("y", .red, on: .stdout), "xy")
        let d = console(out: true, err: true)
        d.disableColor()
        XCTAssertEqual(d.paint("x", .red) + d.paint("y", .red, on: .stdout), "xy")
    }

    func testInjectedConsoleDefaultsStdoutColourToTheTerminalRule() {
        let c = Console(outIsTerminal: false, errIsTerminal: true, inIsTerminal: false, color: true,
                        writeOut: { _ in }, writeErr: { _ in }, readLine: { _ in nil })
        XCTAssertFalse(c.outColor)
    }
}
