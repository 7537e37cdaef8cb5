internal import COpenSSL

/// RFC 4226 HOTP with HMAC-SHA1.
public struct HOTP {
    /// The raw key (the decoded base32 secret).
    let key: SecureBytes
    /// Number of decimal digits, 1…9.
    public let digits: Int

    /// - Precondition: `digits` is in 1…9 (a 31-bit value has at most 10).
    public init(key: SecureBytes, digits: Int = 6) {
        precondition((1...9).contains(digits), "HOTP digits must be 1…9")
        self.key = key
        self.digits = digits
    }

    /// The code for `counter`, zero-padded to `digits`.
    public func code(counter: UInt64) throws(CryptoError) -> String {
        guard key.count <= Int(Int32.max) else { throw .invalidSize(operation: "HMAC key", size: key.count) }
        var message = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { message[index] = UInt8(truncatingIfNeeded: counter >> UInt64(56 - 8 * index)) }
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var macLength: UInt32 = 0
        let ok = key.withUnsafeBytes { keyBytes in
            // OpenSSL rejects a NULL key; an empty key is legal HMAC.
            var empty: UInt8 = 0
            return withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let keyPointer = keyBytes.count > 0 ? keyBytes.baseAddress! : UnsafeRawPointer(emptyPointer)
                return HMAC(EVP_sha1(), keyPointer, Int32(keyBytes.count), message, message.count,
                            &mac, &macLength) != nil
            }
        }
        guard ok, macLength == 20 else { throw CryptoError.fromQueue("HMAC-SHA1") }
        defer { OPENSSL_cleanse(&mac, mac.count) }
        let offset = Int(mac[19] & 0x0F)
        let binary = (UInt32(mac[offset]) & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16
            | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }
}

/// RFC 6238 TOTP as TeamCal Neo uses it: HMAC-SHA1, 30-second steps from the
/// Unix epoch, 6 digits.
public struct TOTP {
    public static let period: Int64 = 30
    public static let defaultDigits = 6

    let hotp: HOTP

    /// `secret` is the raw key, e.g. `PlainSecret.keyBytes()`.
    public init(secret: SecureBytes, digits: Int = TOTP.defaultDigits) {
        hotp = HOTP(key: secret, digits: digits)
    }

    /// Convenience for `TOTP(secret: secret.keyBytes())`.
    public init(secret: PlainSecret, digits: Int = TOTP.defaultDigits) {
        self.init(secret: secret.keyBytes(), digits: digits)
    }

    public var digits: Int { hotp.digits }

    /// The step containing `unixTime` (floor division, also before 1970).
    public static func step(at unixTime: Int64) -> Int64 {
        let (quotient, remainder) = unixTime.quotientAndRemainder(dividingBy: period)
        return remainder < 0 ? quotient - 1 : quotient
    }

    public func step(at unixTime: Int64) -> Int64 { TOTP.step(at: unixTime) }

    /// The code of `step`; a negative step is used as its 64-bit two's complement.
    public func code(atStep step: Int64) throws(CryptoError) -> String {
        try hotp.code(counter: UInt64(bitPattern: step))
    }

    public func code(at unixTime: Int64) throws(CryptoError) -> String {
        try code(atStep: TOTP.step(at: unixTime))
    }

    /// True when `code` is exactly `digits` ASCII digits (6 by default), as
    /// the app requires before it checks a code.
    public static func isWellFormedCode(_ code: String, digits: Int = TOTP.defaultDigits) -> Bool {
        code.utf8.count == digits && code.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The step offset in −`window`…+`window` whose code equals `code`, or
    /// `nil`. Every step in the window is computed and compared in constant
    /// time whatever matches; when several match, the smallest |offset| wins,
    /// 0 first, then the earlier step. A negative `window` counts as 0; a
    /// malformed code matches nothing.
    public func matchOffset(code: String, at unixTime: Int64, window: Int = 1) throws(CryptoError) -> Int? {
        let wellFormed = TOTP.isWellFormedCode(code, digits: digits)
        let window = max(window, 0)
        let current = TOTP.step(at: unixTime)
        var match: Int?
        // Preference order: 0, −1, +1, −2, +2, …; the first match is kept.
        for distance in 0...window {
            for offset in distance == 0 ? [0] : [-distance, distance] {
                let expected = try self.code(atStep: current &+ Int64(offset))
                let equal = ConstantTime.equals(expected, code)
                if equal, match == nil { match = offset }
            }
        }
        return wellFormed ? match : nil
    }
}
