internal import COpenSSL

/// The installation key (`APP_LIC_KEY` in `config/config.app.php`) that the
/// app encrypts 2FA secrets with. Holds its bytes in wiped memory and never
/// prints them.
public struct InstallationKey {
    let bytes: SecureBytes

    /// The key as written in the PHP file (its UTF-8 bytes, as PHP sees them).
    public init(_ appLicKey: String) {
        var text = appLicKey
        bytes = text.withUTF8 { SecureBytes(copying: UnsafeRawBufferPointer($0)) }
    }

    public init(bytes: SecureBytes) {
        self.bytes = bytes
    }

    /// Key of the v2 format: SHA-256 of the key bytes, raw 32 bytes.
    public func v2Key() throws(CryptoError) -> SecureBytes {
        try bytes.withUnsafeBytes { (key) throws(CryptoError) -> SecureBytes in
            try SecureBytes(uninitializedCount: 32) { (digest) throws(CryptoError) in
                var length: UInt32 = 0
                guard EVP_Digest(key.baseAddress, key.count, digest.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                 &length, EVP_sha256(), nil) == 1, length == 32 else {
                    throw CryptoError.fromQueue("EVP_Digest(SHA-256)")
                }
            }
        }
    }

    /// Key of the legacy format: the key bytes NUL-padded or truncated to 16,
    /// as PHP's `openssl_encrypt(…, 'AES-128-ECB', APP_LIC_KEY)` uses them.
    public func legacyKey() -> SecureBytes {
        bytes.withUnsafeBytes { key in
            SecureBytes(uninitializedCount: 16) { target in
                let length = min(key.count, 16)
                if length > 0 { target.baseAddress!.copyMemory(from: key.baseAddress!, byteCount: length) }
            }
        }
    }
}

extension InstallationKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "InstallationKey(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
