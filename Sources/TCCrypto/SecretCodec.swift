internal import COpenSSL

/// Reads and writes stored secrets under one installation key, fast enough
/// for bulk work: the ciphers are fetched once and each context keeps its key
/// schedule, so a call only sets the IV and runs the cipher.
///
/// Not thread-safe and not `Sendable`: make one per thread or task.
public final class SecretCodec {
    private static let blockSize = 16

    private let aes256CBC: OpaquePointer
    private let aes128ECB: OpaquePointer
    private let v2Decrypt: OpaquePointer
    private let v2Encrypt: OpaquePointer
    private let legacyDecrypt: OpaquePointer
    private let legacyEncrypt: OpaquePointer
    /// Plaintext lands here before it is checked; wiped after every call.
    private var scratch: UnsafeMutableRawBufferPointer

    public init(key: InstallationKey) throws(CryptoError) {
        let v2Key = try key.v2Key()
        let legacyKey = key.legacyKey()
        var made: [OpaquePointer] = []
        var ciphers: [OpaquePointer] = []
        do throws(CryptoError) {
            let cbc = try Self.fetch("AES-256-CBC")
            ciphers.append(cbc)
            let ecb = try Self.fetch("AES-128-ECB")
            ciphers.append(ecb)
            for (cipher, key, encrypt) in [(cbc, v2Key, false), (cbc, v2Key, true),
                                           (ecb, legacyKey, false), (ecb, legacyKey, true)] {
                made.append(try Self.context(cipher, key: key, encrypt: encrypt))
            }
        } catch {
            made.forEach { EVP_CIPHER_CTX_free($0) }
            ciphers.forEach { EVP_CIPHER_free($0) }
            throw error
        }
        (aes256CBC, aes128ECB) = (ciphers[0], ciphers[1])
        (v2Decrypt, v2Encrypt, legacyDecrypt, legacyEncrypt) = (made[0], made[1], made[2], made[3])
        scratch = Self.allocateScratch(256)
    }

    deinit {
        // EVP_CIPHER_CTX_free wipes the key schedules.
        [v2Decrypt, v2Encrypt, legacyDecrypt, legacyEncrypt].forEach { EVP_CIPHER_CTX_free($0) }
        EVP_CIPHER_free(aes256CBC)
        EVP_CIPHER_free(aes128ECB)
        OPENSSL_cleanse(scratch.baseAddress, scratch.count)
        scratch.deallocate()
    }

    // MARK: Reading

    /// Classifies one stored value. Never fails on the value itself (any
    /// string is classified); throws only when OpenSSL itself fails.
    public func classify(_ stored: String) throws(CryptoError) -> SecretClassification {
        var stored = stored
        return try stored.withUTF8 { classifyBytes(UnsafeRawBufferPointer($0)) }.get()
    }

    /// Classifies a stored value given as UTF-8 bytes (a database cell), without copying it.
    public func classify(bytes stored: UnsafeRawBufferPointer) throws(CryptoError) -> SecretClassification {
        try classifyBytes(stored).get()
    }

    private func classifyBytes(_ stored: UnsafeRawBufferPointer) -> Result<SecretClassification, CryptoError> {
        guard let format = StoredSecret.format(of: stored) else { return .success(.notEnrolled) }
        let prefixLength = format == .v2 ? StoredSecret.v2Prefix.utf8.count : 0
        let decoded = PHPBase64.decode(UnsafeRawBufferPointer(rebasing: stored[prefixLength...]))
        func undecryptable(_ reason: UndecryptableReason) -> Result<SecretClassification, CryptoError> {
            .success(.undecryptable(format: format, reason: decoded.strictlyValid ? reason : .badBase64))
        }
        return decoded.bytes.withUnsafeBytes { data in
            let ivLength = format == .v2 ? Self.blockSize : 0
            let ciphertextLength = data.count - ivLength
            guard ciphertextLength > 0, ciphertextLength % Self.blockSize == 0, data.count < Int(Int32.max) else {
                return undecryptable(.badLength)
            }
            let context = format == .v2 ? v2Decrypt : legacyDecrypt
            let iv = format == .v2 ? UnsafeRawBufferPointer(rebasing: data[..<ivLength]) : nil
            let plaintextLength: Int?
            do throws(CryptoError) {
                plaintextLength = try decrypt(context, iv: iv,
                                              ciphertext: UnsafeRawBufferPointer(rebasing: data[ivLength...]))
            } catch {
                return .failure(error)
            }
            guard let plaintextLength else { return undecryptable(.badPadding) }
            defer { OPENSSL_cleanse(scratch.baseAddress, ciphertextLength) }
            let plaintext = UnsafeRawBufferPointer(rebasing: scratch[..<plaintextLength])
            guard Base32.isValidSecret(plaintext) else { return undecryptable(.notBase32) }
            return .success(.decrypted(format: format, secret: PlainSecret(validated: SecureBytes(copying: plaintext))))
        }
    }

    /// Decrypts into `scratch`; the plaintext length, or `nil` when the
    /// padding is wrong.
    private func decrypt(_ context: OpaquePointer, iv: UnsafeRawBufferPointer?,
                         ciphertext: UnsafeRawBufferPointer) throws(CryptoError) -> Int? {
        if scratch.count < ciphertext.count + Self.blockSize {
            OPENSSL_cleanse(scratch.baseAddress, scratch.count)
            scratch.deallocate()
            scratch = Self.allocateScratch(ciphertext.count + Self.blockSize)
        }
        // A NULL cipher and key keep the context's cipher and key schedule.
        guard EVP_CipherInit_ex2(context, nil, nil, Self.bytes(iv), 0, nil) == 1 else {
            throw .fromQueue("EVP_CipherInit_ex2")
        }
        let out = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var updateLength: Int32 = 0
        guard EVP_DecryptUpdate(context, out, &updateLength, Self.bytes(ciphertext), Int32(ciphertext.count)) == 1 else {
            throw .fromQueue("EVP_DecryptUpdate")
        }
        var finalLength: Int32 = 0
        guard EVP_DecryptFinal_ex(context, out + Int(updateLength), &finalLength) == 1 else {
            // Bad padding is a verdict on the value, not a failure: drop the queued error.
            ERR_clear_error()
            OPENSSL_cleanse(scratch.baseAddress, ciphertext.count)
            return nil
        }
        return Int(updateLength + finalLength)
    }

    // MARK: Writing

    /// `"v2:" + base64(iv ‖ ciphertext)` with a fresh random 16-byte IV.
    public func encryptV2(_ secret: PlainSecret) throws(CryptoError) -> String {
        let iv = try SystemRandom.bytes(Self.blockSize)
        let sealed = try iv.withUnsafeBytes { (iv) throws(CryptoError) in
            Array(iv) + (try encrypt(secret, with: v2Encrypt, iv: iv))
        }
        return StoredSecret.v2Prefix + sealed.withUnsafeBytes { PHPBase64.encode($0) }
    }

    /// The legacy 3.7–4.x format, for fixtures and rollback.
    public func encryptLegacy(_ secret: PlainSecret) throws(CryptoError) -> String {
        try encrypt(secret, with: legacyEncrypt, iv: nil).withUnsafeBytes { PHPBase64.encode($0) }
    }

    private func encrypt(_ secret: PlainSecret, with context: OpaquePointer,
                         iv: UnsafeRawBufferPointer?) throws(CryptoError) -> [UInt8] {
        try secret.withBase32Bytes { (plaintext) throws(CryptoError) -> [UInt8] in
            guard EVP_CipherInit_ex2(context, nil, nil, Self.bytes(iv), 1, nil) == 1 else {
                throw .fromQueue("EVP_CipherInit_ex2")
            }
            var out = [UInt8](repeating: 0, count: plaintext.count + Self.blockSize)
            var updateLength: Int32 = 0
            var finalLength: Int32 = 0
            let ok = out.withUnsafeMutableBufferPointer { out in
                EVP_EncryptUpdate(context, out.baseAddress, &updateLength, Self.bytes(plaintext),
                                  Int32(plaintext.count)) == 1
                    && EVP_EncryptFinal_ex(context, out.baseAddress! + Int(updateLength), &finalLength) == 1
            }
            guard ok else { throw .fromQueue("EVP_EncryptUpdate/Final") }
            out.removeLast(out.count - Int(updateLength + finalLength))
            return out
        }
    }

    // MARK: Helpers

    private static func fetch(_ name: String) throws(CryptoError) -> OpaquePointer {
        guard let cipher = EVP_CIPHER_fetch(nil, name, nil) else { throw .fromQueue("EVP_CIPHER_fetch(\(name))") }
        return cipher
    }

    private static func context(_ cipher: OpaquePointer, key: SecureBytes,
                                encrypt: Bool) throws(CryptoError) -> OpaquePointer {
        guard let context = EVP_CIPHER_CTX_new() else { throw .fromQueue("EVP_CIPHER_CTX_new") }
        let ok = key.withUnsafeBytes { key in
            EVP_CipherInit_ex2(context, cipher, bytes(key), nil, encrypt ? 1 : 0, nil) == 1
        } && EVP_CIPHER_CTX_get_key_length(context) == Int32(key.count)
        guard ok else {
            EVP_CIPHER_CTX_free(context)
            throw .fromQueue("EVP_CipherInit_ex2")
        }
        return context
    }

    private static func bytes(_ buffer: UnsafeRawBufferPointer?) -> UnsafePointer<UInt8>? {
        buffer?.baseAddress?.assumingMemoryBound(to: UInt8.self)
    }

    private static func allocateScratch(_ count: Int) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        return buffer
    }
}

extension SecretCodec: CustomStringConvertible, CustomReflectable {
    public var description: String { "SecretCodec(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
