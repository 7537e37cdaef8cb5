import TCAdminCLI

/// tcadmin's config file and MariaDB option files: any text is read or refused (78) with a
/// message that never repeats a password value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        _ = try Configuration.parseConfigFile(text, path: "fuzz.conf")
    } catch {
        precondition(error.code == .configuration, "config file errors are configuration errors")
    }
    let options = Configuration.parseDefaultsFile(text)
    for key in options.keys { precondition(!key.contains("_"), "option names are normalised") }

    // Any text without line endings or outer blanks, quoted, as one setting between two
    // Windows-ended lines, is read back exactly, in both kinds of file.
    let inner = text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" && $0 != "\"" && !$0.properties.isWhitespace }
    let literal = String(String.UnicodeScalarView(inner))
    do {
        let values = try Configuration.parseConfigFile("[tcadmin]\r\nhost =\"\(literal)\"\r\nport = 3306\r\n", path: "fuzz.conf")
        precondition(values["host"] == literal && values["port"] == "3306", "a quoted setting is read back")
    } catch {
        preconditionFailure("a quoted setting is refused: \(error.message)")
    }
    let client = Configuration.parseDefaultsFile("[client]\r\nhost=\"\(literal)\"\r\nport=3306\r\n")
    precondition(client["host"] == literal && client["port"] == "3306", "a quoted option is read back")
    return 0
}
