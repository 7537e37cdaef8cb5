import TCCrypto

/// Base32 both ways: any bytes survive encode → decode; any text decodes or is refused,
/// and what decodes re-encodes to the same bytes; a valid secret always makes a key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let encoded = Base32.encode(bytes)
    precondition(Base32.decode(encoded) == bytes, "encode/decode round trip")
    precondition(bytes.isEmpty || Base32.isValidSecret(encoded), "an encoding is a valid secret")

    let text = String(decoding: bytes, as: UTF8.self)
    if let decoded = Base32.decode(text) {
        precondition(decoded.count <= text.utf8.count * 5 / 8, "decoded size")
        precondition(Base32.decode(Base32.encode(decoded)) == decoded, "re-encoding")
    }
    if Base32.isValidSecret(text) {
        precondition(Base32.decode(text) != nil, "a valid secret decodes")
        let secret = PlainSecret(base32: text)
        precondition(secret != nil, "a valid secret is a PlainSecret")
        precondition(secret!.keyBytes().count == Base32.decode(text)!.count, "key bytes")
        precondition("\(secret!)" == "PlainSecret(<redacted>)", "a secret never prints")
    } else {
        precondition(PlainSecret(base32: text) == nil, "an invalid secret is refused")
    }
    return 0
}
