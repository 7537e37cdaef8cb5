/// How the app stored a secret (the value of the user option `secret`).
public enum SecretFormat: String, Sendable, CaseIterable {
    /// `"v2:" + base64(iv ‖ AES-256-CBC(SHA-256(key), PKCS#7, secret))`, 5.x.
    case v2
    /// `base64(AES-128-ECB(key NUL-padded/truncated to 16, PKCS#7, secret))`, 3.7–4.x.
    case legacyECB
}

/// Why a stored value could not be read, for the operator's report.
public enum UndecryptableReason: String, Sendable, CaseIterable {
    /// Not clean base64 (PHP's strict decoder would refuse it) and it did not
    /// decrypt. The app decodes leniently, so a sloppy value that does decrypt
    /// is reported as decrypted.
    case badBase64
    /// The decoded data cannot be a ciphertext: empty, not whole 16-byte
    /// blocks, or (v2) no room for the 16-byte IV plus one block.
    case badLength
    /// The padding check failed: another installation key, or corrupt data.
    case badPadding
    /// It decrypted, but the plaintext is not a base32 secret the app accepts.
    case notBase32
}

/// What a stored `secret` value holds.
public enum SecretClassification {
    /// `""` or `"0"`: PHP-falsy, the app treats the user as not enrolled.
    case notEnrolled
    case decrypted(format: SecretFormat, secret: PlainSecret)
    case undecryptable(format: SecretFormat, reason: UndecryptableReason)

    public var format: SecretFormat? {
        switch self {
        case .notEnrolled: return nil
        case let .decrypted(format, _), let .undecryptable(format, _): return format
        }
    }

    public var secret: PlainSecret? {
        if case let .decrypted(_, secret) = self { return secret }
        return nil
    }
}

extension SecretClassification: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        switch self {
        case .notEnrolled: return "notEnrolled"
        case let .decrypted(format, _): return "decrypted(\(format.rawValue), <redacted>)"
        case let .undecryptable(format, reason): return "undecryptable(\(format.rawValue), \(reason.rawValue))"
        }
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

/// One-off access to the stored-secret formats. For many values, make one
/// `SecretCodec` per thread and reuse it: these functions build a new one
/// (two key derivations and four cipher contexts) on every call.
public enum StoredSecret {
    public static let v2Prefix = "v2:"

    /// PHP truthiness of the stored value: `""` and `"0"` mean not enrolled.
    public static func isEnrolled(_ stored: String) -> Bool {
        format(of: stored) != nil
    }

    /// The format the app would read `stored` as, without decrypting;
    /// `nil` when it means not enrolled.
    public static func format(of stored: String) -> SecretFormat? {
        var stored = stored
        return stored.withUTF8 { format(of: UnsafeRawBufferPointer($0)) }
    }

    /// The same for a value given as UTF-8 bytes (a database cell), without copying it.
    public static func format(of stored: UnsafeRawBufferPointer) -> SecretFormat? {
        if stored.isEmpty || (stored.count == 1 && stored[0] == UInt8(ascii: "0")) { return nil }
        return stored.starts(with: v2Prefix.utf8) ? .v2 : .legacyECB
    }

    public static func classify(_ stored: String, key: InstallationKey) throws(CryptoError) -> SecretClassification {
        try SecretCodec(key: key).classify(stored)
    }

    public static func encryptV2(_ secret: PlainSecret, key: InstallationKey) throws(CryptoError) -> String {
        try SecretCodec(key: key).encryptV2(secret)
    }

    public static func encryptLegacy(_ secret: PlainSecret, key: InstallationKey) throws(CryptoError) -> String {
        try SecretCodec(key: key).encryptLegacy(secret)
    }
}
