/// RFC 4648 base32 (alphabet `A–Z2–7`), as TOTP secrets use it.
///
/// Two levels of acceptance:
/// - `decode` is for people's input: either case, optional trailing `=`
///   padding of any length, nothing else (no spaces, no inner `=`). Leftover
///   bits after the last whole byte are dropped, as the app's TOTP library
///   (RobThree TwoFactorAuth) does, so `"AB"` and `"AA"` both decode to `[0]`.
/// - `isValidSecret` is what the app itself can use as a stored plain secret:
///   upper-case letters and `2–7`, optionally followed by `=`. The app's
///   library throws on lower case, so a lower-case plaintext is *not* a valid
///   stored secret even though `decode` would read it.
public enum Base32 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes without padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 {
            out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes upper- or lower-case base32 with optional trailing padding;
    /// `nil` for any other character. The empty string decodes to `[]`.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            let input = UnsafeRawBufferPointer(utf8)
            guard let length = dataLength(input, allowLowercase: true) else { return nil }
            var out = [UInt8](repeating: 0, count: length * 5 / 8)
            out.withUnsafeMutableBytes { decode(input.prefix(length), into: $0) }
            return out
        }
    }

    /// True when `text` is a plain secret the app accepts: at least one
    /// character from `A–Z2–7`, optionally followed by `=` padding.
    public static func isValidSecret(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isValidSecret(UnsafeRawBufferPointer($0)) }
    }

    static func isValidSecret(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let length = dataLength(bytes, allowLowercase: false) else { return false }
        return length > 0
    }

    /// The number of data characters before the padding, or `nil` when a
    /// character is outside the alphabet or data follows padding.
    static func dataLength(_ bytes: UnsafeRawBufferPointer, allowLowercase: Bool) -> Int? {
        var length = bytes.count
        while length > 0, bytes[length - 1] == UInt8(ascii: "=") { length -= 1 }
        for index in 0..<length where value(of: bytes[index], allowLowercase: allowLowercase) == nil {
            return nil
        }
        return length
    }

    /// Decodes already validated data characters (no padding) into `out`,
    /// which must hold `data.count * 5 / 8` bytes.
    static func decode(_ data: UnsafeRawBufferPointer.SubSequence, into out: UnsafeMutableRawBufferPointer) {
        var buffer: UInt32 = 0
        var bits = 0
        var index = 0
        for char in data {
            buffer = (buffer << 5) | UInt32(value(of: char, allowLowercase: true) ?? 0)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out[index] = UInt8(truncatingIfNeeded: buffer >> UInt32(bits))
                index += 1
            }
        }
    }

    @inline(__always)
    static func value(of char: UInt8, allowLowercase: Bool) -> UInt8? {
        switch char {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return char - UInt8(ascii: "A")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): return char - UInt8(ascii: "2") + 26
        case UInt8(ascii: "a")...UInt8(ascii: "z") where allowLowercase: return char - UInt8(ascii: "a")
        default: return nil
        }
    }
}
