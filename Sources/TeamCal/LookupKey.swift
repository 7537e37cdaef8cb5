import Glibc
import TCDatabase

/// The bytes the app's user lookup compares: a name's weight string under
/// `user_option.username`'s collation, trailing-space weights dropped (see
/// `EnrollmentIndex.normalize`). Two names are the same user for the app exactly when
/// their keys are equal.
///
/// Hashes its bytes in one call: `[UInt8]`'s own hashing feeds the hasher byte by byte,
/// which dominated the cost of matching 100k users.
public struct LookupKey: Hashable, Sendable {
    public let bytes: [UInt8]

    /// From a weight string as the server computes it.
    public init(weight: UnsafeRawBufferPointer) {
        bytes = EnrollmentIndex.normalize(weight)
    }

    public init(weight: [UInt8]) {
        bytes = weight.withUnsafeBytes { EnrollmentIndex.normalize($0) }
    }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (a: LookupKey, b: LookupKey) -> Bool { a.bytes == b.bytes }
}

extension Row {
    /// The lookup key in column `index` (a `Schema.lookupKey` expression), nil for NULL.
    func lookupKey(_ index: Int) -> LookupKey? {
        withBytes(index) { $0.map(LookupKey.init(weight:)) }
    }
}

/// A set of lookup keys for the hot path (one entry per enrolled user, one probe per user
/// row): the keys live in one byte arena, slots are open-addressed, and neither adding nor
/// probing allocates. Probes take the server's weight bytes as they sit in the row buffer.
public struct LookupKeySet: Sendable {
    private struct Slot: Sendable {
        var hash: UInt64 = 0
        var offset: Int32 = -1
        var length: Int32 = 0
    }

    private var arena: [UInt8] = []
    private var slots = [Slot](repeating: Slot(), count: 64)
    public private(set) var count = 0

    public init() {}

    /// Adds a key given as a weight string (trailing-space weights are dropped).
    public mutating func insert(weight: UnsafeRawBufferPointer) {
        let length = LookupKeySet.keyLength(weight)
        let hash = LookupKeySet.hash(weight, length)
        if find(weight, length, hash) != nil { return }
        if (count + 1) * 2 > slots.count { grow() }
        var i = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[i].offset >= 0 { i = (i + 1) & (slots.count - 1) }
        slots[i] = Slot(hash: hash, offset: Int32(arena.count), length: Int32(length))
        arena.append(contentsOf: UnsafeRawBufferPointer(rebasing: weight[0..<length]))
        count += 1
    }

    public mutating func insert(_ key: LookupKey) {
        key.bytes.withUnsafeBytes { insert(weight: $0) }
    }

    /// Whether the key of this weight string is in the set.
    public func contains(weight: UnsafeRawBufferPointer) -> Bool {
        let length = LookupKeySet.keyLength(weight)
        return find(weight, length, LookupKeySet.hash(weight, length)) != nil
    }

    public func contains(_ key: LookupKey) -> Bool {
        key.bytes.withUnsafeBytes { contains(weight: $0) }
    }

    private func find(_ key: UnsafeRawBufferPointer, _ length: Int, _ hash: UInt64) -> Int? {
        var i = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        return arena.withUnsafeBytes { stored in
            while slots[i].offset >= 0 {
                let slot = slots[i]
                if slot.hash == hash && Int(slot.length) == length
                    && (length == 0 || memcmp(stored.baseAddress! + Int(slot.offset), key.baseAddress!, length) == 0) {
                    return i
                }
                i = (i + 1) & (slots.count - 1)
            }
            return nil
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        for slot in old where slot.offset >= 0 {
            var i = Int(truncatingIfNeeded: slot.hash) & (slots.count - 1)
            while slots[i].offset >= 0 { i = (i + 1) & (slots.count - 1) }
            slots[i] = slot
        }
    }

    /// The length without trailing-space weights (0x0020), as `EnrollmentIndex.normalize`.
    static func keyLength(_ weight: UnsafeRawBufferPointer) -> Int {
        var end = weight.count
        while end >= 2 && weight[end - 2] == 0x00 && weight[end - 1] == 0x20 { end -= 2 }
        return end
    }

    /// A fast 64-bit mix of the bytes, eight at a time.
    static func hash(_ bytes: UnsafeRawBufferPointer, _ length: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(length)
        var i = 0
        while i + 8 <= length {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < length {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        // splitmix64's finalizer: every input bit reaches the low bits that pick the slot.
        h ^= tail
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }
}
