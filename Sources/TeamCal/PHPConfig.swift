/// Reads literal settings out of TeamCal Neo's PHP configuration files without running PHP.
///
/// Only two shapes are taken, and only when every part is a literal:
///   `$CONF['db_server'] = "localhost";`     (single or double quotes)
///   `define('APP_LIC_KEY', "5e09….");`
/// Comments (`//`, `#`, `/* */`) are skipped, so a commented-out line is never read.
/// A double-quoted string that interpolates a variable is not a literal and is ignored,
/// as is any expression (`$_ENV['DB_HOST'] ?? 'x'`, function calls, concatenation).
/// When a setting is assigned literally more than once, the last assignment wins, as in PHP.
public enum PHPConfig {
    /// `$CONF[...]` literal assignments, by key.
    public static func confAssignments(_ source: String) -> [String: String] {
        let tokens = PHPTokenizer(source).tokens()
        var result: [String: String] = [:]
        var i = 0
        while i < tokens.count {
            // $CONF [ 'key' ] = 'value' ;
            if i + 6 < tokens.count,
               case .variable("CONF") = tokens[i],
               case .punct("[") = tokens[i + 1],
               case .string(let key?) = tokens[i + 2],
               case .punct("]") = tokens[i + 3],
               case .punct("=") = tokens[i + 4],
               case .string(let value?) = tokens[i + 5],
               case .punct(";") = tokens[i + 6] {
                result[key] = value
                i += 7
                continue
            }
            i += 1
        }
        return result
    }

    /// `define('NAME', 'value')` with literal name and value, by name.
    public static func defines(_ source: String) -> [String: String] {
        let tokens = PHPTokenizer(source).tokens()
        var result: [String: String] = [:]
        var i = 0
        while i < tokens.count {
            if i + 5 < tokens.count,
               case .word(let w) = tokens[i], w.lowercased() == "define",
               case .punct("(") = tokens[i + 1],
               case .string(let name?) = tokens[i + 2],
               case .punct(",") = tokens[i + 3],
               case .string(let value?) = tokens[i + 4],
               case .punct(")") = tokens[i + 5] {
                result[name] = value
                i += 6
                continue
            }
            i += 1
        }
        return result
    }
}

/// Just enough of PHP's lexer to find literal strings outside comments.
struct PHPTokenizer {
    enum Token: Equatable {
        case variable(String)
        case word(String)
        /// A string literal; nil when it is not a plain literal (interpolation).
        case string(String?)
        case punct(Character)
    }

    private let chars: [Character]

    init(_ source: String) { chars = Array(source) }

    func tokens() -> [Token] {
        var out: [Token] = []
        var i = 0
        let n = chars.count
        func peek(_ k: Int) -> Character? { i + k < n ? chars[i + k] : nil }
        while i < n {
            let c = chars[i]
            if c == "/" && peek(1) == "/" || c == "#" && peek(1) != "[" {
                while i < n && chars[i] != "\n" {
                    // A `?>` ends a line comment in PHP.
                    if chars[i] == "?" && peek(1) == ">" { break }
                    i += 1
                }
            } else if c == "/" && peek(1) == "*" {
                i += 2
                while i < n && !(chars[i] == "*" && peek(1) == "/") { i += 1 }
                i += 2
            } else if c == "'" {
                i += 1
                var s = ""
                var closed = false
                while i < n {
                    let ch = chars[i]
                    if ch == "\\", let next = peek(1), next == "'" || next == "\\" {
                        s.append(next); i += 2; continue
                    }
                    if ch == "'" { closed = true; i += 1; break }
                    s.append(ch); i += 1
                }
                out.append(.string(closed ? s : nil))
            } else if c == "\"" {
                i += 1
                var s = ""
                var literal = true
                var closed = false
                while i < n {
                    let ch = chars[i]
                    if ch == "\\", let next = peek(1) {
                        switch next {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        case "r": s.append("\r")
                        case "v": s.append("\u{0B}")
                        case "e": s.append("\u{1B}")
                        case "f": s.append("\u{0C}")
                        case "0": s.append("\0")
                        case "\\", "\"", "$": s.append(next)
                        default:
                            // Octal, hex and unicode escapes are rare in config: not a plain literal.
                            if next == "x" || next == "u" || next.isNumber { literal = false }
                            s.append("\\"); s.append(next)
                        }
                        i += 2
                        continue
                    }
                    if ch == "$", let next = peek(1), next == "_" || next == "{" || next.isLetter { literal = false }
                    if ch == "{", peek(1) == "$" { literal = false }
                    if ch == "\"" { closed = true; i += 1; break }
                    s.append(ch); i += 1
                }
                out.append(.string(closed && literal ? s : nil))
            } else if c == "$" {
                i += 1
                var name = ""
                while i < n, chars[i] == "_" || chars[i].isLetter || chars[i].isNumber { name.append(chars[i]); i += 1 }
                out.append(.variable(name))
            } else if c == "_" || c.isLetter {
                var word = ""
                while i < n, chars[i] == "_" || chars[i].isLetter || chars[i].isNumber || chars[i] == "\\" { word.append(chars[i]); i += 1 }
                out.append(.word(word))
            } else if c.isWhitespace {
                i += 1
            } else {
                out.append(.punct(c))
                i += 1
            }
        }
        return out
    }
}
