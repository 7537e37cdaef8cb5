import TeamCal

/// Any PHP text is read without trapping; and any text without a quote or backslash, put
/// into a single-quoted literal assignment, is read back exactly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = PHPConfig.confAssignments(text)
    _ = PHPConfig.defines(text)
    _ = PHPConfig.confAssignments("<?php\n" + text)

    let literal = String(text.unicodeScalars.filter { $0 != "'" && $0 != "\\" }.map(Character.init))
    let source = "<?php\n$CONF['fuzz'] = '\(literal)';\ndefine('FUZZ', '\(literal)');\n"
    precondition(PHPConfig.confAssignments(source)["fuzz"] == literal, "a literal assignment is read back")
    precondition(PHPConfig.defines(source)["FUZZ"] == literal, "a literal define is read back")
    return 0
}
