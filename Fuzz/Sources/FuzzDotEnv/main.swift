import TeamCal

/// Any .env text is parsed or refused with a line number inside the file; line splitting
/// agrees with the number of line endings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let text = String(decoding: bytes, as: UTF8.self)
    let lines = TextFile.lines(text)
    var breaks = 0
    var previous: UInt8 = 0
    for byte in text.utf8 {
        if byte == 0x0A && previous != 0x0D || byte == 0x0D { breaks += 1 }
        previous = byte
    }
    precondition(lines.count == breaks + 1, "one line per line ending, plus one")
    do {
        let values = try DotEnv.parse(text)
        for key in values.keys { precondition(!key.isEmpty && !key.contains("="), "keys are names") }
    } catch {
        precondition(error.line >= 1 && error.line <= lines.count, "the failing line is in the file")
    }

    // Any text without quotes or line endings, as a single-quoted value between two
    // Windows-ended lines, is read back exactly, and the lines around it stay apart.
    let literal = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "'" && $0 != "\n" && $0 != "\r" }))
    do {
        let values = try DotEnv.parse("FIRST=1\r\nFUZZ='\(literal)'\r\nNEXT=2\r\n")
        precondition(values["FUZZ"] == literal && values["FIRST"] == "1" && values["NEXT"] == "2", "a quoted value is read back")
    } catch {
        preconditionFailure("a quoted value is refused: \(error)")
    }
    return 0
}
