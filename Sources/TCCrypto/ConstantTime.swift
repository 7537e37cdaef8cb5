internal import COpenSSL

/// Comparisons whose running time does not depend on where the inputs differ
/// (`CRYPTO_memcmp`). Lengths are compared first, in the open: codes and
/// secrets have public lengths.
public enum ConstantTime {
    public static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0 else { return true }
        return CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
    }

    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in equals(pa, pb) } }
    }

    /// Compares the UTF-8 bytes of two strings.
    public static func equals(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { pa in b.withUTF8 { pb in equals(UnsafeRawBufferPointer(pa), UnsafeRawBufferPointer(pb)) } }
    }

    public static func equals(_ a: SecureBytes, _ b: SecureBytes) -> Bool {
        a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in equals(pa, pb) } }
    }
}
