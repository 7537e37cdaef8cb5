/// Reads the dotenv files TeamCal Neo 5.x keeps in its installation folder.
///
/// `KEY=value` lines, an optional `export ` prefix, `#` comments, blank lines.
/// Values may be unquoted (trimmed, ` #…` comments removed), single-quoted (taken
/// literally) or double-quoted (`\"`, `\\`, `\n`, `\t`, `\$` escapes). A later
/// definition of a key replaces an earlier one. Nothing is ever expanded or executed.
public enum DotEnv {
    public struct Failure: Error, Sendable, Equatable {
        public let line: Int
        public let reason: String
    }

    public static func parse(_ text: String) throws(Failure) -> [String: String] {
        typealias Scalars = ArraySlice<Unicode.Scalar>
        func isBlank(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }
        func trimmed(_ s: Scalars) -> Scalars {
            var s = s
            while let f = s.first, isBlank(f) { s = s.dropFirst() }
            while let l = s.last, isBlank(l) { s = s.dropLast() }
            return s
        }
        func string(_ s: Scalars) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: s)
            return String(view)
        }
        var values: [String: String] = [:]
        // Scalars, not Characters: to Swift a quote or `=` followed by a combining mark is
        // one Character, which would hide the quote; phpdotenv sees the quote.
        var lines = TextFile.lines(text).map { Array($0.unicodeScalars)[...] }[...]
        var number = 0
        while var line = lines.popFirst() {
            number += 1
            line = line.drop(while: isBlank)
            if line.isEmpty || line.first == "#" { continue }
            if line.starts(with: "export ".unicodeScalars) { line = line.dropFirst(7).drop(while: { $0 == " " }) }
            guard let eq = line.firstIndex(of: "=") else {
                throw Failure(line: number, reason: "expected KEY=value")
            }
            let key = string(trimmed(line[..<eq]))
            guard isValidKey(key) else {
                throw Failure(line: number, reason: "'\(key.prefix(40))' is not a valid variable name")
            }
            var rest = line[(eq + 1)...].drop(while: isBlank)
            let value: String
            if let quote = rest.first, quote == "'" || quote == "\"" {
                rest = rest.dropFirst()
                var out = String.UnicodeScalarView()
                var closed = false
                let openedOn = number
                // A quoted value may run over several lines.
                while !closed {
                    var escaped = false
                    var consumed = rest.startIndex
                    for i in rest.indices {
                        let ch = rest[i]
                        consumed = i + 1
                        if escaped {
                            switch ch {
                            case "n": out.append("\n")
                            case "t": out.append("\t")
                            case "r": out.append("\r")
                            case "\"", "\\", "$": out.append(ch)
                            default: out.append("\\"); out.append(ch)
                            }
                            escaped = false
                        } else if ch == "\\" && quote == "\"" {
                            escaped = true
                        } else if ch == quote {
                            closed = true
                            break
                        } else {
                            out.append(ch)
                        }
                    }
                    if closed {
                        let tail = trimmed(rest[consumed...])
                        if let first = tail.first, first != "#" {
                            throw Failure(line: number, reason: "unexpected text after the closing quote")
                        }
                    } else {
                        guard let next = lines.popFirst() else {
                            throw Failure(line: openedOn, reason: "the quoted value is never closed")
                        }
                        number += 1
                        out.append("\n")
                        rest = next
                    }
                }
                value = String(out)
            } else {
                // Unquoted: a `#` after a blank starts a comment.
                var v = rest
                if let hash = v.indices.first(where: { v[$0] == "#" && $0 > v.startIndex && isBlank(v[$0 - 1]) }) {
                    v = v[..<hash]
                }
                value = string(trimmed(v))
            }
            values[key] = value
        }
        return values
    }

    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return key.unicodeScalars.allSatisfy { $0 == "_" || $0 == "." || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

extension StringProtocol {
    /// Without leading and trailing characters that are among `set`.
    public func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
