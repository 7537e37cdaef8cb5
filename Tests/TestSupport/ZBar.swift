import Foundation

/// An independent QR reader for the tests: `zbarimg` from Debian's zbar-tools.
public enum ZBar {
    /// The payloads of the QR codes zbarimg finds in the image file (empty: none found).
    public static func decode(_ path: String) throws -> [String] {
        let r = try Shell.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path])
        switch r.status {
        case 0: return r.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        case 4: return []   // zbarimg: the image was read, no symbol found
        default: throw TestFailure("zbarimg \(path) failed (exit \(r.status)): \(r.stderr) — is zbar-tools installed? (scripts/testdb deps)")
        }
    }

    /// Decodes a bitmap (`true` dark) drawn `scale` pixels per cell, through a PGM file.
    public static func decode(bitmap: [[Bool]], scale: Int = 6) throws -> [String] {
        let path = NSTemporaryDirectory() + "tcadmin-zbar-\(UUID().uuidString).pgm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let height = bitmap.count * scale
        let width = (bitmap.map(\.count).max() ?? 0) * scale
        var data = Data("P5\n\(width) \(height)\n255\n".utf8)
        for row in bitmap {
            var line = [UInt8](repeating: 255, count: width)
            for (x, dark) in row.enumerated() where dark {
                for i in 0..<scale { line[x * scale + i] = 0 }
            }
            for _ in 0..<scale { data.append(contentsOf: line) }
        }
        try data.write(to: URL(fileURLWithPath: path))
        return try decode(path)
    }
}

/// Reads back a QR code drawn with UTF-8 half blocks (▀ ▄ █ and spaces), as a terminal shows
/// it: each character is one column and two rows of cells; ANSI SGR escapes are skipped.
public enum HalfBlockText {
    /// Rows of cells, `true` dark, for the lines of `text` that hold block characters.
    public static func bitmap(_ text: String) -> [[Bool]] {
        var rows: [[Bool]] = []
        // A terminal ends lines with CR LF, which Swift reads as one Character.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let plain = stripEscapes(String(line))
            guard plain.contains(where: { "▀▄█".contains($0) }) || (plain.count > 8 && plain.allSatisfy { $0 == " " }) else { continue }
            var top: [Bool] = [], bottom: [Bool] = []
            for ch in plain {
                switch ch {
                case "█": top.append(true); bottom.append(true)
                case "▀": top.append(true); bottom.append(false)
                case "▄": top.append(false); bottom.append(true)
                default: top.append(false); bottom.append(false)
                }
            }
            rows.append(top)
            rows.append(bottom)
        }
        return rows
    }

    public static func stripEscapes(_ s: String) -> String {
        var out = ""
        var inEscape = false
        for scalar in s.unicodeScalars {
            if inEscape {
                if (0x40...0x7E).contains(scalar.value) && scalar != "[" { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" { inEscape = true; continue }
            if scalar == "\r" { continue }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
