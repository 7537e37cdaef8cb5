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
        var values: [String: String] = [:]
        var lines = TextFile.lines(text)[...]
        var number = 0
        while let raw = lines.popFirst() {
            number += 1
            var line = Substring(raw.hasSuffix("\r") ? String(raw.dropLast()) : raw)
            line = line.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop(while: { $0 == " " }) }
            guard let eq = line.firstIndex(of: "=") else {
                throw Failure(line: number, reason: "expected KEY=value")
            }
            let key = line[..<eq].trimmingCharacters(in: " \t")
            guard isValidKey(key) else {
                throw Failure(line: number, reason: "'\(key.prefix(40))' is not a valid variable name")
            }
            var rest = line[line.index(after: eq)...].drop(while: { $0 == " " || $0 == "\t" })
            let value: String
            if rest.first == "'" || rest.first == "\"" {
                let quote = rest.first!
                rest = rest.dropFirst()
                var out = ""
                var closed = false
                let openedOn = number
                // A quoted value may run over several lines.
                while !closed {
                    var escaped = false
                    var consumed = rest.startIndex
                    for i in rest.indices {
                        let ch = rest[i]
                        consumed = rest.index(after: i)
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
                        let tail = rest[consumed...].trimmingCharacters(in: " \t")
                        if !tail.isEmpty && !tail.hasPrefix("#") {
                            throw Failure(line: number, reason: "unexpected text after the closing quote")
                        }
                    } else {
                        guard let next = lines.popFirst() else {
                            throw Failure(line: openedOn, reason: "the quoted value is never closed")
                        }
                        number += 1
                        out.append("\n")
                        rest = Substring(next)
                    }
                }
                value = out
            } else {
                var v = rest
                if let hash = v.range(of: " #") ?? v.range(of: "\t#") { v = v[..<hash.lowerBound] }
                value = v.trimmingCharacters(in: " \t")
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
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
