/// Reads literal settings out of TeamCal Neo's PHP configuration files without running PHP.
///
/// Only two shapes are taken, and only when every part is a literal:
///   `$CONF['db_server'] = "localhost";`     (single or double quotes)
///   `define('APP_LIC_KEY', "5e09….");`
/// Comments (`//`, `#`, `/* */`), heredocs and text outside `<?php … ?>` are skipped, so a
/// commented-out line or an example in the output text is never read.
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
               case .word(let w) = tokens[i], w.lowercased() == "define", !isMemberOrDeclaration(tokens, at: i),
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

extension PHPConfig {
    /// `$obj->define(…)`, `Foo::define(…)`, `function define(…)`: not the built-in define.
    fileprivate static func isMemberOrDeclaration(_ tokens: [PHPTokenizer.Token], at i: Int) -> Bool {
        guard i > 0 else { return false }
        switch tokens[i - 1] {
        case .punct(">"), .punct(":"): return true
        case .word(let w): return ["function", "new", "const"].contains(w.lowercased())
        default: return false
        }
    }
}

/// Just enough of PHP's lexer to find literal strings outside comments.
///
/// It reads Unicode scalars, as PHP reads bytes: "\r\n" is two characters (one Swift
/// Character), and a combining mark after a quote does not hide the quote. Only the text
/// between an opening tag (`<?php`, `<?=`, `<?`) and `?>` is code; the rest is output.
struct PHPTokenizer {
    enum Token: Equatable {
        case variable(String)
        case word(String)
        /// A string literal; nil when it is not a plain literal (interpolation, heredoc).
        case string(String?)
        case punct(Character)
    }

    private let chars: [Unicode.Scalar]

    init(_ source: String) { chars = Array(source.unicodeScalars) }

    private static func isNewline(_ c: Unicode.Scalar) -> Bool { c == "\n" || c == "\r" }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    /// PHP names: [A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*
    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.value >= 0x80 || (c.isASCII && c.properties.isAlphabetic)
    }
    private static func isNamePart(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || isDigit(c) }

    func tokens() -> [Token] {
        var out: [Token] = []
        var i = 0
        let n = chars.count
        func peek(_ k: Int) -> Unicode.Scalar? { i + k < n ? chars[i + k] : nil }

        /// Skips output text up to and including the next opening tag.
        func skipInlineHTML() {
            while i < n {
                if chars[i] == "<" && peek(1) == "?" {
                    let tag = String(String.UnicodeScalarView(chars[(i + 2)..<min(i + 5, n)])).lowercased()
                    i += tag == "php" ? 5 : (peek(2) == "=" ? 3 : 2)
                    return
                }
                i += 1
            }
        }

        /// `<<<ID`, `<<<"ID"` or `<<<'ID'` … a line holding only (indented) ID. True when it was one.
        func skipHeredoc() -> Bool {
            var j = i + 3
            while j < n, chars[j] == " " || chars[j] == "\t" { j += 1 }
            var quote: Unicode.Scalar?
            if j < n, chars[j] == "'" || chars[j] == "\"" { quote = chars[j]; j += 1 }
            var name = String.UnicodeScalarView()
            while j < n, PHPTokenizer.isNamePart(chars[j]) { name.append(chars[j]); j += 1 }
            guard !name.isEmpty, let first = name.first, PHPTokenizer.isNameStart(first) else { return false }
            if let quote {
                guard j < n, chars[j] == quote else { return false }
                j += 1
            }
            guard j < n, PHPTokenizer.isNewline(chars[j]) else { return false }
            let terminator = Array(name)
            while j < n {
                // At a line start: optional indentation, then the name not followed by a name character.
                while j < n, PHPTokenizer.isNewline(chars[j]) { j += 1 }
                while j < n, chars[j] == " " || chars[j] == "\t" { j += 1 }
                if j + terminator.count <= n, Array(chars[j..<(j + terminator.count)]) == terminator,
                   j + terminator.count == n || !PHPTokenizer.isNamePart(chars[j + terminator.count]) {
                    i = j + terminator.count
                    return true
                }
                while j < n, !PHPTokenizer.isNewline(chars[j]) { j += 1 }
            }
            i = n
            return true
        }

        skipInlineHTML()
        while i < n {
            let c = chars[i]
            if c == "?" && peek(1) == ">" {
                // A closing tag ends the statement, as ";" does; then output text follows.
                out.append(.punct(";"))
                i += 2
                skipInlineHTML()
            } else if c == "/" && peek(1) == "/" || c == "#" && peek(1) != "[" {
                while i < n && !PHPTokenizer.isNewline(chars[i]) {
                    // A `?>` ends a line comment in PHP.
                    if chars[i] == "?" && peek(1) == ">" { break }
                    i += 1
                }
            } else if c == "/" && peek(1) == "*" {
                i += 2
                while i < n && !(chars[i] == "*" && peek(1) == "/") { i += 1 }
                i += 2
            } else if c == "<" && peek(1) == "<" && peek(2) == "<" && skipHeredoc() {
                out.append(.string(nil))
            } else if c == "'" {
                i += 1
                var s = String.UnicodeScalarView()
                var closed = false
                while i < n {
                    let ch = chars[i]
                    if ch == "\\", let next = peek(1), next == "'" || next == "\\" {
                        s.append(next); i += 2; continue
                    }
                    if ch == "'" { closed = true; i += 1; break }
                    s.append(ch); i += 1
                }
                out.append(.string(closed ? String(s) : nil))
            } else if c == "\"" {
                i += 1
                var s = String.UnicodeScalarView()
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
                        case "\\", "\"", "$": s.append(next)
                        default:
                            // Octal, hex and unicode escapes are rare in config: not a plain literal.
                            if next == "x" || next == "u" || PHPTokenizer.isDigit(next) { literal = false }
                            s.append("\\"); s.append(next)
                        }
                        i += 2
                        continue
                    }
                    if ch == "$", let next = peek(1), next == "{" || PHPTokenizer.isNameStart(next) { literal = false }
                    if ch == "{", peek(1) == "$" { literal = false }
                    if ch == "\"" { closed = true; i += 1; break }
                    s.append(ch); i += 1
                }
                out.append(.string(closed && literal ? String(s) : nil))
            } else if c == "$" {
                i += 1
                var name = String.UnicodeScalarView()
                while i < n, PHPTokenizer.isNamePart(chars[i]) { name.append(chars[i]); i += 1 }
                out.append(.variable(String(name)))
            } else if PHPTokenizer.isNameStart(c) {
                var word = String.UnicodeScalarView()
                while i < n, PHPTokenizer.isNamePart(chars[i]) || chars[i] == "\\" { word.append(chars[i]); i += 1 }
                out.append(.word(String(word)))
            } else if c.properties.isWhitespace {
                i += 1
            } else {
                out.append(.punct(Character(c)))
                i += 1
            }
        }
        return out
    }
}
