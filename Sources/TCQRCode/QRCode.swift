import Glibc
internal import CQREncode

/// Why a QR code could not be made or written.
public enum QRCodeError: Error, Sendable, Equatable {
    /// The text is too long for any QR code version, or holds a NUL byte.
    case cannotEncode(String)
    /// The output file exists already: never overwritten.
    case fileExists(path: String)
    /// The output file could not be created or written (`errno` text).
    case cannotWrite(path: String, reason: String)
}

/// A QR code symbol (ISO/IEC 18004) made by libqrencode: error correction level M,
/// the text in 8-bit mode. Holds only the module matrix; the C symbol is wiped and
/// freed before `init` returns.
public struct QRCode: Sendable {
    /// Modules per side (21 for version 1, +4 per version).
    public let size: Int
    /// Row-major, `true` = dark.
    private let modules: [Bool]

    public init(encoding text: String) throws(QRCodeError) {
        guard !text.utf8.contains(0) else { throw .cannotEncode("the text holds a NUL byte") }
        errno = 0
        guard let symbol = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            let reason = errno == ERANGE ? "the text is too long for a QR code" : String(cString: strerror(errno))
            throw .cannotEncode(reason)
        }
        defer { tc_qrcode_free_wiped(symbol) }
        let width = Int(symbol.pointee.width)
        guard width > 0, let data = symbol.pointee.data else { throw .cannotEncode("libqrencode returned an empty symbol") }
        size = width
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        modules = (0..<width * width).map { data[$0] & 1 == 1 }
    }

    /// Whether the module in column `x`, row `y` is dark; outside the symbol (the
    /// quiet zone) everything is light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// The symbol as UTF-8 half blocks for a terminal, two module rows per text line, with
    /// a light margin of `quietZone` modules (the standard asks for 4).
    ///
    /// With `colors`, every line is printed black on bright white (ANSI SGR 30;107), so the
    /// code is dark-on-light, as cameras need it, on dark terminals too; without, dark
    /// modules are the terminal's foreground colour and light ones its background.
    public func terminalText(quietZone: Int = 4, colors: Bool = true) -> String {
        let margin = max(quietZone, 0)
        let range = -margin..<(size + margin)
        var text = ""
        var y = -margin
        while y < size + margin {
            if colors { text += "\u{1B}[30;107m" }
            for x in range {
                // The last line of an odd height has a light lower half.
                switch (isDark(x: x, y: y), isDark(x: x, y: y + 1)) {
                case (true, true): text += "█"
                case (true, false): text += "▀"
                case (false, true): text += "▄"
                case (false, false): text += " "
                }
            }
            if colors { text += "\u{1B}[0m" }
            text += "\n"
            y += 2
        }
        return text
    }

    /// The image as 8-bit grey pixels (0 dark, 255 light), `scale` pixels per module, with
    /// a light margin of `quietZone` modules; returns the side length in pixels.
    func pixels(scale: Int, quietZone: Int) -> (side: Int, bytes: [UInt8]) {
        let modulesPerSide = size + 2 * quietZone
        let side = modulesPerSide * scale
        var bytes = [UInt8](repeating: 255, count: side * side)
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) {
                let left = (x + quietZone) * scale
                for row in 0..<scale {
                    let start = ((y + quietZone) * scale + row) * side + left
                    for column in 0..<scale { bytes[start + column] = 0 }
                }
            }
        }
        return (side, bytes)
    }
}
