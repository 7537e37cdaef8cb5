internal import COpenSSL

/// Bytes that are wiped with `OPENSSL_cleanse` when the last reference goes.
///
/// The contents are fixed once initialised. Use `withUnsafeBytes` to read
/// them; the pointer must not escape the closure. `description` shows only the
/// size. Not `Sendable`: the buffer is a raw pointer the compiler cannot check,
/// so each thread or task should build its own (from `sending` values).
public final class SecureBytes {
    private let buffer: UnsafeMutableRawBufferPointer
    /// Number of bytes held.
    public let count: Int

    /// `count` zero bytes (a negative count is treated as zero).
    public convenience init(count: Int) {
        self.init(uninitializedCount: count) { _ in }
    }

    /// A copy of `bytes`. The caller's array is not wiped; prefer the
    /// initialisers that fill the buffer directly where a secret is made.
    public convenience init(_ bytes: [UInt8]) {
        self.init(copying: bytes.withUnsafeBytes { $0 })
    }

    /// A copy of the bytes at `source`.
    public convenience init(copying source: UnsafeRawBufferPointer) {
        self.init(uninitializedCount: source.count) { target in
            if let base = source.baseAddress, source.count > 0 {
                target.baseAddress!.copyMemory(from: base, byteCount: source.count)
            }
        }
    }

    /// Allocates `count` zeroed bytes and lets `fill` write them; if `fill`
    /// throws, the buffer is wiped and released before the error propagates.
    init<E: Error>(uninitializedCount count: Int,
                   fill: (UnsafeMutableRawBufferPointer) throws(E) -> Void) throws(E) {
        let size = max(count, 0)
        // One byte minimum so the base address is never nil.
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        do {
            try fill(UnsafeMutableRawBufferPointer(rebasing: storage[0..<size]))
        } catch {
            OPENSSL_cleanse(storage.baseAddress, storage.count)
            storage.deallocate()
            throw error
        }
        self.buffer = storage
        self.count = size
    }

    deinit {
        OPENSSL_cleanse(buffer.baseAddress, buffer.count)
        buffer.deallocate()
    }

    /// Reads the bytes; the pointer is valid only inside `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
}

@available(*, unavailable, message: "SecureBytes holds a raw buffer; give each task its own")
extension SecureBytes: Sendable {}

extension SecureBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SecureBytes(\(count) bytes, <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["count": count]) }
}
