import TeamCal

/// Any bytes are decoded or refused; a decoded backup re-encodes to bytes that decode to
/// the same backup (so restore-2fa never reads back something else than was written).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let backup = try? SecretBackup.decode(bytes) else { return 0 }
    let encoded = backup.encoded()
    guard let again = try? SecretBackup.decode(encoded) else {
        preconditionFailure("a decoded backup re-encodes to something that does not decode")
    }
    precondition(again.encoded() == encoded, "re-encoding is stable")
    return 0
}
