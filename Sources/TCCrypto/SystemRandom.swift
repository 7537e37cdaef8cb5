internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's `RAND_bytes`.
public enum SystemRandom {
    public static func bytes(_ count: Int) throws(CryptoError) -> SecureBytes {
        guard count >= 0, count <= Int(Int32.max) else { throw .invalidSize(operation: "RAND_bytes", size: count) }
        return try SecureBytes(uninitializedCount: count) { (buffer) throws(CryptoError) in
            try fill(buffer)
        }
    }

    static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard buffer.count > 0 else { return }
        guard RAND_bytes(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            throw CryptoError.fromQueue("RAND_bytes")
        }
    }

    /// A new 32-character secret (160 bits), made the way the app's library
    /// makes them: one random byte per character, its low five bits choosing
    /// the letter (uniform, as 256 is a multiple of 32).
    public static func generateSecret() throws(CryptoError) -> PlainSecret {
        let random = try bytes(32)
        let text = SecureBytes(uninitializedCount: random.count) { text in
            random.withUnsafeBytes { random in
                for index in 0..<random.count { text[index] = Base32.alphabet[Int(random[index] & 31)] }
            }
        }
        return PlainSecret(validated: text)
    }
}
