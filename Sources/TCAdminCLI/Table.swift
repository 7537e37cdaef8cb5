/// Columns of text for people, aligned by what a terminal shows rather than by
/// character count: "山田" takes four cells, "e\u{301}" one, "Jürgen" six.
///
///     var table = Table(["USER", "LAST LOGIN", "GROUPS"])
///     table.align("LAST LOGIN", .right)
///     table.append(["müller", "2026-11-21", "Sales"])
///     for line in table.lines() { console.out(line) }
///
/// Cells are made safe to print: control characters and bidirectional overrides
/// (a hostile username could carry them) are shown as `\u{…}` escapes.
/// Machine formats (json, csv, names) must not go through a Table.
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// Cells wider than this are cut and end in "…"; nil: never cut.
        public var maxWidth: Int?

        public init(_ title: String, alignment: Alignment = .left, maxWidth: Int? = nil) {
            self.title = title
            self.alignment = alignment
            self.maxWidth = maxWidth
        }
    }

    public var columns: [Column]
    public private(set) var rows: [[String]] = []
    /// Between columns.
    public var separator = "  "
    /// Print the titles as the first line.
    public var showsHeader = true

    public init(_ titles: [String]) {
        columns = titles.map { Column($0) }
    }

    public init(columns: [Column]) {
        self.columns = columns
    }

    public mutating func align(_ title: String, _ alignment: Alignment) {
        for i in columns.indices where columns[i].title == title { columns[i].alignment = alignment }
    }

    /// Adds a row; missing cells are blank, extra cells are dropped.
    public mutating func append(_ cells: [String]) {
        var row = cells.prefix(columns.count).map(Table.printable)
        while row.count < columns.count { row.append("") }
        rows.append(row)
    }

    /// The rendered lines, without trailing blanks. `header` styles the title line
    /// (pass `{ console.paint($0, .bold, on: .stdout) }` for bold on a terminal).
    public func lines(header style: (String) -> String = { $0 }) -> [String] {
        let cut: [[String]] = rows.map { row in
            row.enumerated().map { i, cell in
                columns[i].maxWidth.map { Table.truncate(cell, toWidth: $0) } ?? cell
            }
        }
        var widths = columns.map { showsHeader ? displayWidth($0.title) : 0 }
        for row in cut {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) }
        }
        func render(_ cells: [String]) -> String {
            var line = ""
            for (i, cell) in cells.enumerated() {
                if i > 0 { line += separator }
                let gap = String(repeating: " ", count: max(0, widths[i] - displayWidth(cell)))
                let last = i == cells.count - 1
                switch columns[i].alignment {
                case .left: line += last ? cell : cell + gap
                case .right: line += gap + cell
                }
            }
            return line.trimmingTrailingSpaces()
        }
        var out: [String] = []
        if showsHeader {
            // Style after padding, so escape codes never count towards the width.
            out.append(style(render(columns.map(\.title))))
        }
        for row in cut { out.append(render(row)) }
        return out
    }

    /// The rendered table as one string ending in a newline (empty when there is nothing).
    public func rendered() -> String {
        let all = lines()
        return all.isEmpty ? "" : all.joined(separator: "\n") + "\n"
    }

    /// Cuts `text` to at most `width` display cells, ending in "…" when it was cut.
    public static func truncate(_ text: String, toWidth width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        guard width > 0 else { return "" }
        var out = ""
        var used = 0
        for character in text {
            let w = displayWidth(character)
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` with everything that would move the cursor, change colours or reorder the
    /// line replaced by a visible escape.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true                       // C0, DEL, C1 (ESC, CSI, ...)
        case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: return true  // bidi controls
        case 0x2028, 0x2029: return true                                 // line and paragraph separators
        default: return false
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// How many terminal cells `text` occupies (as wcwidth(3) would count it, by grapheme):
/// East Asian wide and fullwidth characters and emoji take two, combining marks and
/// other zero-width characters none, everything else one.
public func displayWidth(_ text: String) -> Int {
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
    return text.reduce(0) { $0 + displayWidth($1) }
}

/// The cells one grapheme cluster (a user-perceived character) occupies: 0, 1 or 2.
public func displayWidth(_ character: Character) -> Int {
    let scalars = character.unicodeScalars
    // An emoji shown as a picture is two cells wide, whatever follows it (ZWJ sequences, skin tones).
    if scalars.contains(where: { $0.properties.isEmojiPresentation }) { return 2 }
    if scalars.contains(where: { $0.value == 0xFE0F }), scalars.first?.properties.isEmoji == true { return 2 }
    for scalar in scalars {
        let width = cellWidth(scalar)
        if width > 0 { return width }
    }
    return 0
}

/// One scalar on its own: 0 (marks, format and control characters), 2 (wide), or 1.
func cellWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v >= 0x20 && v < 0x7F { return 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format, .control: return 0
    default: break
    }
    if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return 0 }  // Hangul medial and final jamo
    return wideRanges.contains { $0.contains(v) } ? 2 : 1
}

/// East Asian Wide (W) and Fullwidth (F) blocks, after Unicode 15's EastAsianWidth.txt.
private let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F,   // Hangul Jamo initial consonants
    0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
    0x2E80...0x303E,   // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
    0x3041...0x33FF,   // Hiragana, Katakana, Bopomofo, Hangul compatibility jamo, Kanbun, CJK strokes, enclosed, compatibility
    0x3400...0x4DBF,   // CJK extension A
    0x4E00...0x9FFF,   // CJK unified ideographs
    0xA000...0xA4CF,   // Yi
    0xA960...0xA97F,   // Hangul Jamo extended A
    0xAC00...0xD7A3,   // Hangul syllables
    0xF900...0xFAFF,   // CJK compatibility ideographs
    0xFE10...0xFE19,   // vertical forms
    0xFE30...0xFE6F,   // CJK compatibility forms, small form variants
    0xFF00...0xFF60,   // fullwidth forms
    0xFFE0...0xFFE6,
    0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1AFF0...0x1B2FF,  // Tangut, Khitan, Kana supplement and extensions
    0x1F200...0x1F2FF, // enclosed ideographic supplement (emoji: see isEmojiPresentation)
    0x20000...0x2FFFD, 0x30000...0x3FFFD,  // CJK extensions B and later
]
