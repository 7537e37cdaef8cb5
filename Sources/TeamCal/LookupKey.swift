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
