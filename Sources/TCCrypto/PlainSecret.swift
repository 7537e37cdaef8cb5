/// A decrypted 2FA secret: the base32 text the app stores encrypted, held in
/// wiped memory. Printing it shows `<redacted>`; equality is constant-time.
public struct PlainSecret {
    let text: SecureBytes

    /// Wraps bytes already known to pass `Base32.isValidSecret`.
    init(validated text: SecureBytes) {
        self.text = text
    }

    /// `nil` unless `base32` is a secret the app accepts
    /// (`Base32.isValidSecret`: upper case `A–Z2–7`, optional `=` padding).
    public init?(base32: String) {
        guard Base32.isValidSecret(base32) else { return nil }
        var base32 = base32
        text = base32.withUTF8 { SecureBytes(copying: UnsafeRawBufferPointer($0)) }
    }

    /// The base32 text, exactly as stored. This copy lives in an ordinary
    /// `String` that is not wiped: ask for it only to show or hand it on.
    public var base32: String {
        text.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads the base32 text as bytes without making a `String`.
    public func withBase32Bytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try text.withUnsafeBytes(body)
    }

    /// Number of base32 characters, padding included (normally 32 or 16).
    public var length: Int { text.count }

    /// The raw key for `TOTP(secret:)` (padding ignored, leftover bits dropped).
    public func keyBytes() -> SecureBytes {
        text.withUnsafeBytes { input in
            let length = Base32.dataLength(input, allowLowercase: false) ?? 0
            return SecureBytes(uninitializedCount: length * 5 / 8) { out in
                Base32.decode(input.prefix(length), into: out)
            }
        }
    }
}

extension PlainSecret: Equatable {
    public static func == (lhs: PlainSecret, rhs: PlainSecret) -> Bool {
        ConstantTime.equals(lhs.text, rhs.text)
    }
}

extension PlainSecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "PlainSecret(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
