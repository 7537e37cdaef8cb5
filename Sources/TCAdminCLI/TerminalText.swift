/// Names from the command line or the database, made safe to print on a terminal: control,
/// line-separator and text-direction characters are shown as escapes, so a hostile username
/// cannot move the cursor, fake a line of output or reverse the text after it; long names
/// are cut. (The same rule as `Printable.quoted` on the admin branch: keep one at merge.)
enum TerminalText {
    static func quoted(_ text: some StringProtocol, limit: Int = 80) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { return out + "…" }
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }
}
