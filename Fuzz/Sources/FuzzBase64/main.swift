import TCCrypto

/// PHP's base64: any bytes survive encode → decode (strictly valid); any text decodes
/// leniently without trapping, and a strictly valid text re-encodes to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let decoded = PHPBase64.decode(input)
    precondition(decoded.bytes.count <= count * 3 / 4 + 3, "decoded size")
    if decoded.strictlyValid {
        let again = decoded.bytes.withUnsafeBytes { PHPBase64.encode($0) }
        let back = again.utf8.withContiguousStorageIfAvailable { PHPBase64.decode(UnsafeRawBufferPointer($0)) }!
        precondition(back.bytes == decoded.bytes && back.strictlyValid, "strict round trip")
    }
    var encoded = PHPBase64.encode(input)
    let roundTrip = encoded.withUTF8 { PHPBase64.decode(UnsafeRawBufferPointer($0)) }
    precondition(roundTrip.bytes == Array(input), "encode/decode round trip")
    precondition(roundTrip.strictlyValid, "an encoding is strictly valid")
    return 0
}
