internal import COpenSSL

/// Message digests through OpenSSL's one-shot EVP_Digest.
public enum Digest {
    /// SHA-256 of `bytes`, as 64 lower-case hex digits.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil) == 1
            }
        }
        // EVP_Digest with a built-in digest fails only when memory runs out.
        precondition(ok && length == 32, "EVP_Digest(SHA-256) failed")
        let hex = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
