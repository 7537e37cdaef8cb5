/// Base64 as PHP reads and writes it, so that tcadmin accepts exactly the
/// stored values the app accepts.
///
/// The app decodes with `base64_decode()` (v2) and `openssl_decrypt()` without
/// `OPENSSL_RAW_DATA` (legacy); both use PHP's *non-strict* decoder, which
/// skips every byte outside the alphabet, ignores `=` wherever it stands, and
/// drops a lone trailing character. `decode` reproduces that and also tells
/// whether PHP's *strict* decoder would have accepted the text, so a value that
/// fails to decrypt can be blamed on damaged base64.
public enum PHPBase64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// -1: whitespace PHP skips even in strict mode; -2: invalid; else value.
    static let reverse: [Int8] = {
        var table = [Int8](repeating: -2, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = Int8(index) }
        for char in [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")] {
            table[Int(char)] = -1
        }
        return table
    }()

    public struct Decoded: Sendable, Equatable {
        public var bytes: [UInt8]
        /// PHP's `base64_decode($text, true)` would also succeed.
        public var strictlyValid: Bool
    }

    public static func decode(_ input: UnsafeRawBufferPointer) -> Decoded {
        var out = [UInt8]()
        out.reserveCapacity(input.count * 3 / 4 + 3)
        var strict = true
        var sextets = 0
        var padding = 0
        var pending: UInt8 = 0
        for char in input {
            if char == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            let value = reverse[Int(char)]
            if value == -1 { continue }
            if value < 0 || padding > 0 { strict = false }
            if value < 0 { continue }
            let bits = UInt8(value)
            switch sextets & 3 {
            case 0:
                pending = bits << 2
            case 1:
                out.append(pending | bits >> 4)
                pending = (bits & 0x0F) << 4
            case 2:
                out.append(pending | bits >> 2)
                pending = (bits & 0x03) << 6
            default:
                out.append(pending | bits)
            }
            sextets += 1
        }
        if sextets & 3 == 1 { strict = false }
        if padding > 0, padding > 2 || (sextets + padding) & 3 != 0 { strict = false }
        return Decoded(bytes: out, strictlyValid: strict)
    }

    /// Encodes with `=` padding, as `base64_encode()` does.
    public static func encode(_ input: UnsafeRawBufferPointer) -> String {
        var out = [UInt8]()
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let first = UInt32(input[index]) << 16
            let chunk = rest == 2 ? first | UInt32(input[index + 1]) << 8 : first
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
